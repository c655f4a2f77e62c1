/**
 * The one place a process is started for libvirt. Everything else asks a
 * {@link VirshRunner}, so unit tests inject a fake that replays libvirt's real
 * error texts, and integration tests use {@link execFileRunner} against real daemons.
 *
 * Rules learned the hard way: argv arrays only (never a shell, so hostile domain
 * names reach libvirt literally); `LC_ALL=C` so error texts are parseable;
 * a timeout on every call because virsh can hang.
 */
import { spawn } from 'node:child_process';

export interface VirshCall {
  /** Connection URI passed as `-c URI`; omitted means virsh's default. */
  uri?: string;
  /** Arguments after `virsh [-c URI]`, e.g. `['domstate', '--reason', 'web1']`. */
  args: string[];
  /** Kill the process after this long. Every call has one; default {@link DEFAULT_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Called with each stderr chunk as it arrives (migration progress lines). */
  onStderr?: (chunk: string) => void;
  /** Called with each stdout chunk as it arrives. */
  onStdout?: (chunk: string) => void;
}

export interface VirshResult {
  /** The full argv that was run (for logs), starting with the program. */
  argv: string[];
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  durationMs: number;
}

/** A started call that can be waited for or killed (used for `virsh migrate`). */
export interface RunningCall {
  readonly result: Promise<VirshResult>;
  kill(signal?: NodeJS.Signals): void;
}

export interface VirshRunner {
  /** Start a call; resolve when it exits. Never rejects for a non-zero exit. */
  start(call: VirshCall): RunningCall;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export interface ExecFileRunnerOptions {
  /** Program to run; default `virsh` from PATH. */
  program?: string;
  /** Extra environment (merged over process.env, then LC_ALL=C forced). */
  env?: NodeJS.ProcessEnv;
  /** Observer for every finished call (the CLI's `--log-file` hooks in here). */
  onFinish?: (r: VirshResult) => void;
  /**
   * Start each virsh in its own process group, so a terminal Ctrl-C reaches only
   * our process: migrate/evacuate must keep running virsh while they cancel cleanly.
   */
  detached?: boolean;
}

export function execFileRunner(opts: ExecFileRunnerOptions = {}): VirshRunner {
  const program = opts.program ?? 'virsh';
  return {
    start(call: VirshCall): RunningCall {
      const argv = [program, ...(call.uri ? ['-c', call.uri] : []), ...call.args];
      const started = Date.now();
      const child = spawn(argv[0], argv.slice(1), {
        env: { ...process.env, ...opts.env, LC_ALL: 'C', LANG: 'C' },
        stdio: ['ignore', 'pipe', 'pipe'],
        shell: false,
        detached: opts.detached ?? false,
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8');
      child.stderr.setEncoding('utf8');
      child.stdout.on('data', (d: string) => {
        stdout += d;
        call.onStdout?.(d);
      });
      child.stderr.on('data', (d: string) => {
        stderr += d;
        call.onStderr?.(d);
      });
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, call.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      const result = new Promise<VirshResult>((resolve) => {
        let settled = false;
        const finish = (exitCode: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
          // 'error' and 'close' can both fire for one failed spawn; report once.
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          const r: VirshResult = {
            argv,
            stdout,
            stderr: spawnError ? `error: cannot run ${program}: ${spawnError.message}\n` : stderr,
            exitCode: spawnError ? 127 : exitCode,
            signal,
            timedOut,
            durationMs: Date.now() - started,
          };
          opts.onFinish?.(r);
          resolve(r);
        };
        child.once('error', (e) => finish(null, null, e));
        child.once('close', (code, signal) => finish(code, signal));
      });
      return { result, kill: (signal = 'SIGTERM') => void child.kill(signal) };
    },
  };
}
