/**
 * Runs the admin's `--switch-command` (e.g. "systemctl stop xend && systemctl
 * restart libvirtd"). This is the one place a shell is used, deliberately: the
 * admin hands us a command *line* of their own, possibly with `&&`, and it is
 * run exactly once per upgrade, never with domain names or other data of ours
 * interpolated into it.
 */
import { spawn } from 'node:child_process';
import type { SwitchRunner } from './ports.js';

const TAIL = 4096;

export function shellSwitchRunner(env: NodeJS.ProcessEnv = process.env): SwitchRunner {
  return {
    run(command, { timeoutMs }) {
      return new Promise((resolve) => {
        const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        let timedOut = false;
        const keep = (d: Buffer) => {
          output = (output + d.toString('utf8')).slice(-TAIL);
        };
        child.stdout.on('data', keep);
        child.stderr.on('data', keep);
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, timeoutMs);
        child.once('error', (e) => {
          clearTimeout(timer);
          resolve({ exitCode: 127, output: `cannot run /bin/sh: ${e.message}`, timedOut });
        });
        child.once('close', (code) => {
          clearTimeout(timer);
          resolve({ exitCode: code, output, timedOut });
        });
      });
    },
  };
}
