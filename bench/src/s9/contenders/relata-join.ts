import { relataS9 } from "./relata.js";

export default relataS9("join");
