/**
 * The one place a process is started for ssh (like src/libvirt/runner.ts for
 * virsh): argv arrays only, never a local shell; LC_ALL=C so ssh's messages can
 * be classified; a timeout on every call. Tests inject their own runner.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';

export interface SshCall {
  /** Everything after `ssh`. */
  args: string[];
  /** Kill the ssh client after this long. */
  timeoutMs: number;
  /** Each stdout chunk as it arrives (the streamed archive); without it stdout is collected. */
  onStdout?: (chunk: Buffer) => void;
  /**
   * Send stderr to this file instead of a pipe, and resolve when ssh exits rather
   * than when its pipes close: a master connection that ssh forks into the
   * background (-f) keeps its parent's stderr open for as long as it lives.
   */
  stderrFile?: string;
}

export interface SshResult {
  argv: string[];
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: Buffer;
  /** stderr text (empty when it went to `stderrFile`). */
  stderr: string;
  /** Set when onStdout threw: the call was killed and this is why. */
  consumerError?: unknown;
}

export interface SshRunner {
  /** Never rejects for a failed ssh; rejects only when the program cannot be started at all. */
  run(call: SshCall): Promise<SshResult>;
}

export function spawnSshRunner(program = 'ssh'): SshRunner {
  return {
    run(call) {
      return new Promise((resolve, reject) => {
        const argv = [program, ...call.args];
        const errFd = call.stderrFile === undefined ? undefined : openSync(call.stderrFile, 'w', 0o600);
        const child = spawn(program, call.args, {
          env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
          stdio: ['ignore', call.stderrFile === undefined ? 'pipe' : 'ignore', errFd ?? 'pipe'],
          shell: false,
        });
        if (errFd !== undefined) closeSync(errFd);
        const out: Buffer[] = [];
        let stderr = '';
        let timedOut = false;
        let consumerError: unknown;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, call.timeoutMs);
        child.stdout?.on('data', (chunk: Buffer) => {
          if (consumerError !== undefined) return;
          if (!call.onStdout) return void out.push(chunk);
          try {
            call.onStdout(chunk);
          } catch (e) {
            consumerError = e;
            child.kill('SIGKILL');
          }
        });
        child.stderr?.setEncoding('utf8');
        child.stderr?.on('data', (s: string) => (stderr += s));
        child.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
        child.on(call.stderrFile === undefined ? 'close' : 'exit', (exitCode, signal) => {
          clearTimeout(timer);
          resolve({ argv, exitCode, signal, timedOut, stdout: Buffer.concat(out), stderr, consumerError });
        });
      });
    },
  };
}
