/**
 * Step "switched": the one global barrier. Every domain must be down (or out
 * of the run) before the toolstack changes under it. Policy: a *held* domain
 * (still running after the shutdown timeout) blocks the switch — switching
 * toolstacks under a running guest we could not define is how domains get
 * lost. Without a switch (separate --from/--to hosts) nothing blocks.
 */
import { Xend2LibxlError } from '../errors.js';
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';

export type SwitchOutcome = 'done' | 'paused' | 'blocked' | 'failed';

export async function stepSwitch(rc: RunContext, ready: JournalDomain[], held: JournalDomain[]): Promise<SwitchOutcome> {
  const j = rc.store.journal;
  const sw = j.switch;
  if (sw.state === 'pending' || sw.state === 'failed') {
    if (held.length > 0) {
      rc.emit({ level: 'warn', message: `toolstack switch not done: ${held.map((d) => d.name).join(', ')} still running (held)` });
      return 'blocked';
    }
    if (j.options.switchMode === 'pause') {
      sw.state = 'awaiting';
      sw.at = new Date().toISOString();
      await rc.store.commit('awaiting-switch');
      rc.emit({ level: 'info', message: 'paused: awaiting the toolstack switch' });
      return 'paused';
    }
    const command = j.options.switchCommand!;
    rc.emit({ level: 'info', message: `running the switch command: ${command}` });
    const r = await rc.deps.switchRunner.run(command, { timeoutMs: rc.opts.switchTimeoutMs ?? 600_000 });
    sw.at = new Date().toISOString();
    if (r.exitCode !== 0 || r.timedOut) {
      sw.state = 'failed';
      sw.detail = `${r.timedOut ? 'timed out' : `exit code ${r.exitCode}`}: ${r.output.trim().split('\n').slice(-5).join(' | ')}`;
      await rc.store.commit('switch-failed');
      rc.emit({ level: 'fail', message: `switch command failed (${sw.detail})` });
      return 'failed';
    }
    sw.state = 'done';
    sw.detail = r.output.trim().split('\n').slice(-3).join(' | ') || undefined;
    await rc.store.commit('switch-done');
  } else if (sw.state === 'awaiting') {
    // `--resume` after the pause is the admin saying "switched"; make sure the target answers first.
    try {
      await rc.deps.hv.list(rc.opts.to!);
    } catch (e) {
      throw new Xend2LibxlError('SWITCH_TARGET_UNREACHABLE', `the target ${rc.opts.to} does not answer yet: ${(e as Error).message}`, {
        hint: 'finish the toolstack switch (start libvirtd), then run --resume again',
        cause: e,
      });
    }
    sw.state = 'done';
    sw.at = new Date().toISOString();
    await rc.store.commit('switch-done');
  }
  await rc.store.recordAll(ready, 'switched');
  return 'done';
}
