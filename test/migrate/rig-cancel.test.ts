/**
 * Issue 6 proof (b): a slowed migration (--bandwidth 1, guest re-dirtying memory so it
 * never converges) cancelled by SIGINT to OUR process (the built CLI, spawned) at random
 * moments (some SIGTERM, some signalled twice), with --cancel-strategy abort-job and
 * destroy-destination forced. After each:
 * exit 130, guest running and persistent on h1, absent on h2. 2 × 10 = 20 moments; the
 * same guest is reused because every cancel must leave it where it was.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { announceSkip, libvirtSkipped } from '../rig/rig.js';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { startGuest, uniqueName, useRig, where } from './rig-helpers.js';

const suite = libvirtSkipped ? describe.skip : describe;
announceSkip('migrate/rig-cancel');
const ROUNDS = Number(process.env.MIG_CANCEL_ROUNDS ?? 10);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  cancelToExitMs: number;
}

/**
 * Start the CLI, wait for its first output (handlers installed), then send `signal`
 * after `delayMs`; with `twice`, send it again 150 ms later (an impatient admin).
 */
function migrateAndInterrupt(args: string[], delayMs: number, signal: NodeJS.Signals, twice: boolean): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
    let stdout = '';
    let stderr = '';
    let sentAt = 0;
    let armed = false;
    const watchdog = setTimeout(() => child.kill('SIGKILL'), 120_000);
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(() => {
        sentAt = Date.now();
        child.kill(signal);
        if (twice) setTimeout(() => child.exitCode === null && child.kill(signal), 150);
      }, delayMs);
    };
    child.stdout.setEncoding('utf8').on('data', (d: string) => ((stdout += d), arm()));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      resolve({ code, signal, stdout, stderr, cancelToExitMs: sentAt ? Date.now() - sentAt : -1 });
    });
  });
}

suite('SIGINT cancels a slowed migration and leaves the guest on h1 (real rig)', () => {
  const names: string[] = [];
  const lab = useRig(names);

  for (const strategy of ['abort-job', 'destroy-destination'] as const) {
    it(`${strategy}: ${ROUNDS} random cancel moments`, async () => {
      const n = uniqueName(strategy === 'abort-job' ? 'cx-abort' : 'cx-destroy');
      names.push(n);
      await startGuest(lab.rig, lab.rig.h1, n, 'fill=8 dirty=4');
      const report: string[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        // Moments from "still in preflight" to "several seconds into the transfer".
        const delay = Math.round(Math.random() * 5000);
        // Mostly Ctrl-C, every third a SIGTERM; every other round the signal comes twice.
        const signal: NodeJS.Signals = i % 3 === 2 ? 'SIGTERM' : 'SIGINT';
        const twice = i % 2 === 1;
        const r = await migrateAndInterrupt(['migrate', n, '--from', lab.rig.h1.uri, '--to', lab.rig.h2.tcpUri, '--bandwidth', '1', '--cancel-strategy', strategy, '--json'], delay, signal, twice);
        const events = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
        const result = events.find((e) => e.event === 'result');
        report.push(`#${i} ${signal}${twice ? '×2' : ''} after ${delay} ms → exit ${r.code}, ${result ? `${result.status}/${result.cancelUsed}${result.migrateError ? ` (libvirt: ${result.migrateError})` : ''}` : 'stopped before start'}, signal→exit ${r.cancelToExitMs} ms`);
        expect(r.code, `${report.at(-1)}\n${r.stderr}`).toBe(130);
        expect(await where(lab.rig.h1, n), report.at(-1)).toEqual({ state: 'running', persistent: true });
        expect((await where(lab.rig.h2, n)).state, report.at(-1)).toBe('absent');
        if (result) {
          expect(result).toMatchObject({ status: 'stayed', where: 'source', cancelled: 'signal' });
          // Only a cancel that came before the job existed (or after it ended) may use nothing.
          expect([strategy, 'none']).toContain(result.cancelUsed);
        }
      }
      process.stderr.write(`[rig-cancel ${strategy}]\n  ${report.join('\n  ')}\n`);
    }, 600_000);
  }
});
