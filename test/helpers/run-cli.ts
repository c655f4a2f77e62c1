/** Run the CLI in-process (fast) or as the real built binary (faithful). */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const binPath = path.join(repoRoot, 'bin/xend2libxl.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** In-process run with captured streams; `env` replaces process.env for the command. */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; tty?: boolean } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (stdout += s), isTTY: opts.tty ?? false, columns: 100 },
    stderr: { write: (s: string) => (stderr += s), isTTY: opts.tty ?? false, columns: 100 },
    env: opts.env ?? { PATH: process.env.PATH },
    cwd: opts.cwd ?? repoRoot,
    exitCode: 0,
  };
  const code = await main(argv, ctx);
  return { code, stdout, stderr };
}

/** Run the built binary as a child process (needs dist/, built by global setup). */
export function runBin(argv: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binPath, ...argv],
      { env: { PATH: process.env.PATH, ...opts.env }, cwd: opts.cwd ?? repoRoot, timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr });
      },
    );
  });
}
