/**
 * One multiplexed ssh connection per host. The master (ControlMaster) is
 * started once, authenticated non-interactively (BatchMode=yes) against
 * known_hosts only (StrictHostKeyChecking=yes: an unknown key is an error, never
 * added), and every later call rides on it. Its socket lives in a private 0700
 * directory that close() removes, after telling the master to exit; should the
 * process die first, the master ends by itself ControlPersist seconds later and
 * the directory is removed at process exit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { shellCommand } from './shell-quote.js';
import { SshError, sshFailure, sshTimeout } from './errors.js';
import type { HostSpec } from './host-spec.js';
import { spawnSshRunner, type SshResult, type SshRunner } from './runner.js';

export interface SshSessionOptions {
  runner?: SshRunner;
  /** Per call, unless a call says otherwise; default $XEND2LIBXL_SSH_TIMEOUT seconds, else 60 s. */
  timeoutMs?: number;
  /** An ssh_config to use instead of ~/.ssh/config (`ssh -F`); default $XEND2LIBXL_SSH_CONFIG. */
  configFile?: string;
  env?: NodeJS.ProcessEnv;
}

export interface RemoteRun {
  /** What the call is for, in error messages. */
  what: string;
  timeoutMs?: number;
  onStdout?: (chunk: Buffer) => void;
}

/** How long an idle master outlives us if close() never runs. */
const PERSIST_SECONDS = 30;

export function defaultTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.XEND2LIBXL_SSH_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
}

export class SshSession {
  private closed = false;
  private readonly removeDirAtExit = () => rmSync(this.dir, { recursive: true, force: true });

  private constructor(
    readonly host: HostSpec,
    private readonly runner: SshRunner,
    private readonly dir: string,
    private readonly common: string[],
    private readonly timeoutMs: number,
  ) {
    process.once('exit', this.removeDirAtExit);
  }

  /** Connect and authenticate; throws an SshError that says what to do when that fails. */
  static async open(host: HostSpec, opts: SshSessionOptions = {}): Promise<SshSession> {
    const env = opts.env ?? process.env;
    // unix socket paths hold ~108 bytes: a long $TMPDIR falls back to /tmp.
    const base = tmpdir().length > 60 ? '/tmp' : tmpdir();
    const dir = mkdtempSync(path.join(base, 'xend2libxl-ssh-')); // mode 0700
    const timeoutMs = opts.timeoutMs ?? defaultTimeoutMs(env);
    const common = [...baseArgs(host, opts.configFile ?? env.XEND2LIBXL_SSH_CONFIG, timeoutMs), '-o', `ControlPath=${path.join(dir, 'master')}`];
    const session = new SshSession(host, opts.runner ?? spawnSshRunner(), dir, common, timeoutMs);
    try {
      await session.startMaster();
      return session;
    } catch (e) {
      await session.close();
      throw e;
    }
  }

  private async startMaster(): Promise<void> {
    const errFile = path.join(this.dir, 'master.err');
    const what = 'connecting';
    let r: SshResult;
    try {
      r = await this.runner.run({
        args: [...this.common, '-o', 'ControlMaster=yes', '-o', `ControlPersist=${PERSIST_SECONDS}`, '-f', '-N', '--', this.host.host],
        timeoutMs: this.timeoutMs,
        stderrFile: errFile,
      });
    } catch (e) {
      throw notInstalled(e);
    }
    const stderr = r.stderr || readText(errFile);
    if (r.timedOut) throw sshTimeout(this.host.label, what, this.timeoutMs);
    if (r.exitCode !== 0) throw sshFailure(this.host.label, stderr, what);
  }

  /**
   * Run `argv` on the host (each word quoted for its shell) through the master.
   * Resolves with the remote exit status in `exitCode`; throws for ssh's own
   * failures (exit 255) and timeouts.
   */
  async run(argv: readonly string[], call: RemoteRun): Promise<SshResult> {
    if (this.closed) throw new Error('ssh session already closed');
    const timeoutMs = call.timeoutMs ?? this.timeoutMs;
    let r: SshResult;
    try {
      r = await this.runner.run({ args: [...this.common, '-o', 'ControlMaster=no', '--', this.host.host, shellCommand(argv)], timeoutMs, onStdout: call.onStdout });
    } catch (e) {
      throw notInstalled(e);
    }
    if (r.consumerError !== undefined) throw r.consumerError;
    if (r.timedOut) throw sshTimeout(this.host.label, call.what, timeoutMs);
    if (r.exitCode === 255) throw sshFailure(this.host.label, r.stderr, call.what);
    return r;
  }

  /** Stop the master and remove the socket directory. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.runner.run({ args: [...this.common, '-O', 'exit', '--', this.host.host], timeoutMs: 10_000 });
    } catch {
      // nothing to stop, or no ssh at all
    }
    this.removeDirAtExit();
    process.removeListener('exit', this.removeDirAtExit);
  }

  /** The socket directory (tests check it is private and gone after close). */
  get socketDir(): string {
    return this.dir;
  }
}

/** What every ssh of ours says: non-interactive, known host keys only, bounded waits, user and port. */
function baseArgs(host: HostSpec, configFile: string | undefined, timeoutMs: number): string[] {
  return [
    ...(configFile ? ['-F', configFile] : []),
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(Math.min(timeoutMs, 30_000) / 1000))}`,
    '-o', 'ServerAliveInterval=15',
    '-o', 'ServerAliveCountMax=3',
    ...(host.user === undefined ? [] : ['-l', host.user]),
    ...(host.port === undefined ? [] : ['-p', String(host.port)]),
  ];
}

/**
 * A command line for a local /bin/sh that runs `argv` on the host over its own
 * ssh connection (no master: it may run long after this process, e.g. from a
 * journal on --resume). Every word is quoted twice: for the local shell, and the
 * remote command once more for the remote one.
 */
export function sshCommandLine(host: HostSpec, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): string {
  return shellCommand(['ssh', ...baseArgs(host, env.XEND2LIBXL_SSH_CONFIG, defaultTimeoutMs(env)), '--', host.host, shellCommand(argv)]);
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function notInstalled(e: unknown): Error {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return e as Error;
  return new SshError('SSH_NOT_INSTALLED', 'cannot run ssh: the OpenSSH client is not installed here (no ssh in PATH)', 'install it (Debian: apt install openssh-client) on the machine that runs xend2libxl');
}
