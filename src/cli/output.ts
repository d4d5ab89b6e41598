import type { Readable, Writable } from "node:stream";
import pc from "picocolors";

/** The process's streams and environment, passed in so tests can run the CLI in process. */
export interface Io {
  readonly stdout: Writable & { readonly isTTY?: boolean };
  readonly stderr: Writable;
  readonly stdin: Readable & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** A long step: a spinner on a terminal, a line when it starts and ends otherwise. */
export interface Step {
  done(message: string): void;
  fail(message: string): void;
}

type Colors = ReturnType<typeof pc.createColors>;

/**
 * Everything the CLI prints. Colours only on a terminal (NO_COLOR and TERM=dumb turn them off,
 * FORCE_COLOR on); with `--json`, stdout gets one JSON document and nothing else.
 */
export class Output {
  readonly color: Colors;
  /** A person at a terminal: prompts and spinners allowed. */
  readonly interactive: boolean;

  constructor(
    readonly io: Io,
    readonly json: boolean,
  ) {
    const { env, stdout, stdin } = io;
    const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false";
    const tty = stdout.isTTY === true;
    this.color = pc.createColors(forced || (tty && env.NO_COLOR === undefined && env.TERM !== "dumb"));
    this.interactive = !json && tty && stdin.isTTY === true && env.CI !== "true";
  }

  /** Human output goes to stderr: stdout carries the command's data (generated code). */
  #stdoutIsData = false;

  /** From now on human output goes to stderr, stdout being the data (`relata pull > schema.ts`). */
  keepStdoutForData(): void {
    this.#stdoutIsData = true;
  }

  /** A line of human output (nothing with --json). */
  line(text = ""): void {
    if (!this.json) (this.#stdoutIsData ? this.io.stderr : this.io.stdout).write(`${text}\n`);
  }

  success(text: string): void {
    this.line(`${this.color.green("✓")} ${text}`);
  }

  info(text: string): void {
    this.line(`${this.color.cyan("•")} ${text}`);
  }

  /** A warning, on stderr (also with --json, where stdout is kept for the document). */
  warn(text: string): void {
    this.io.stderr.write(`${this.color.yellow("!")} ${this.color.yellow(text)}\n`);
  }

  /** An error, on stderr: the message, no stack. */
  error(text: string): void {
    this.io.stderr.write(`${this.color.red("✗")} ${this.color.red(text)}\n`);
  }

  /** The --json document (nothing without --json). */
  result(value: Record<string, unknown>): void {
    if (this.json) this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Starts a long step. */
  async step(label: string): Promise<Step> {
    if (this.json) return { done: () => {}, fail: () => {} };
    if (!this.interactive) {
      this.line(`${this.color.dim("…")} ${label}`);
      return { done: (message) => this.success(message), fail: (message) => this.error(message) };
    }
    const { spinner } = await import("@clack/prompts");
    const spin = spinner({ output: this.#stdoutIsData ? this.io.stderr : this.io.stdout, withGuide: false });
    spin.start(label);
    return { done: (message) => spin.stop(message), fail: (message) => spin.error(message) };
  }
}
