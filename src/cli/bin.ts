#!/usr/bin/env node
/** The `relata` bin: the CLI's own entry, never imported by the runtime. */
import { run } from "./main.js";

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
