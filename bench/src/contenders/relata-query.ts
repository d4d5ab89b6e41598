import { relataContender } from "./relata.js";

export default relataContender("query");
