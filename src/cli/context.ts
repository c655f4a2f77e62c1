/**
 * What a command needs from the outside world, passed in so that tests can run
 * the whole CLI in-process with captured output and a fake environment.
 */
export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface CliContext {
  stdout: OutStream;
  stderr: OutStream;
  /** Standard input, for the input `-` (absent in contexts that have none). */
  stdin?: AsyncIterable<Buffer | string>;
  env: NodeJS.ProcessEnv;
  /** Working directory relative paths are resolved against. */
  cwd: string;
  /** Set by a command to the exit code it wants; main() returns it. */
  exitCode: number;
}

export function processContext(): CliContext {
  return { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env, cwd: process.cwd(), exitCode: 0 };
}
