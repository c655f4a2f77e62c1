/**
 * Step "switched": the one global barrier. Every domain must be down (or out
 * of the run) before the toolstack changes under it. Policy: a *held* domain
 * (still running after the shutdown timeout) blocks the switch — switching
 * toolstacks under a running guest we could not define is how domains get
 * lost. Without a switch (separate --from/--to hosts) nothing blocks.
 *
 * In place (--from and --to are the same URI, e.g. xen:///system served first
 * by libvirt's legacy xend driver, then by libxl) we check that the switch
 * really happened: the new toolstack does not know the old one's domains, so a
 * target that still lists them is still the old toolstack. Defining there
 * would write into xend — the check refuses (unless --force).
 */
import { Xend2LibxlError } from '../errors.js';
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';
import type { ListedDomain } from './ports.js';

export type SwitchOutcome = 'done' | 'paused' | 'blocked' | 'failed' | 'unreachable';

/** The outcome, and on 'done' the target's domain list (it answered); on 'unreachable' why not. */
export interface SwitchResult {
  outcome: SwitchOutcome;
  target?: ListedDomain[];
  why?: string;
}

/** In place only: names of domains we took from the old toolstack that the target still lists (by uuid). */
async function oldDomainsStillThere(rc: RunContext, ready: JournalDomain[], target: ListedDomain[]): Promise<string[]> {
  const o = rc.store.journal.options;
  if (rc.opts.force || !o.from || o.from !== o.to) return [];
  const uuids = new Set(target.map((t) => t.uuid.toLowerCase()));
  return ready.filter((d) => d.fromName && d.uuid && uuids.has(d.uuid)).map((d) => d.name);
}

export async function stepSwitch(rc: RunContext, ready: JournalDomain[], held: JournalDomain[]): Promise<SwitchResult> {
  const j = rc.store.journal;
  const sw = j.switch;
  let switchedNow = false;
  if (sw.state === 'pending' || sw.state === 'failed') {
    if (held.length > 0) {
      rc.emit({ level: 'warn', message: `toolstack switch not done: ${held.map((d) => d.name).join(', ')} still running (held)` });
      return { outcome: 'blocked' };
    }
    if (j.options.switchMode === 'pause') {
      sw.state = 'awaiting';
      sw.at = new Date().toISOString();
      await rc.store.commit('awaiting-switch');
      rc.emit({ level: 'info', message: 'paused: awaiting the toolstack switch' });
      return { outcome: 'paused' };
    }
    const command = rc.opts.switchCommand ?? j.options.switchCommand!;
    rc.emit({ level: 'info', message: `running the switch command: ${command}` });
    const r = await rc.deps.switchRunner.run(command, { timeoutMs: rc.opts.switchTimeoutMs ?? 600_000 });
    sw.at = new Date().toISOString();
    if (r.exitCode !== 0 || r.timedOut) {
      sw.state = 'failed';
      sw.detail = `${r.timedOut ? 'timed out' : `exit code ${r.exitCode}`}: ${r.output.trim().split('\n').slice(-5).join(' | ')}`;
      await rc.store.commit('switch-failed');
      rc.emit({ level: 'fail', message: `switch command failed (${sw.detail})` });
      return { outcome: 'failed' };
    }
    // The command ran (never run it again unless the check below shows it did not switch).
    sw.state = 'done';
    sw.detail = r.output.trim().split('\n').slice(-3).join(' | ') || undefined;
    await rc.store.commit('switch-done');
    switchedNow = true;
  } else if (sw.state === 'awaiting') {
    // `--resume` after the pause is the admin saying "switched"; make sure the target answers first.
    let listed;
    try {
      listed = await rc.deps.hv.list(rc.opts.to!);
    } catch (e) {
      throw new Xend2LibxlError('SWITCH_TARGET_UNREACHABLE', `the target ${rc.opts.to} does not answer yet: ${(e as Error).message}`, {
        hint: 'finish the toolstack switch (start libvirtd), then run --resume again',
        cause: e,
      });
    }
    const stale = await oldDomainsStillThere(rc, ready, listed);
    if (stale.length > 0) {
      throw new Xend2LibxlError('SWITCH_NOT_DONE', `${rc.opts.to} still lists ${stale.join(', ')} from the old toolstack: the switch has not happened yet`, {
        hint: 'stop xend and start libvirtd with the libxl driver, then run --resume again (--force skips this check)',
      });
    }
    sw.state = 'done';
    sw.at = new Date().toISOString();
    await rc.store.commit('switch-done');
  }
  // Whatever the mode: the target must answer before any domain is marked switched.
  let target: ListedDomain[];
  try {
    target = await rc.deps.hv.list(rc.opts.to!);
  } catch (e) {
    rc.emit({ level: 'fail', message: `${rc.opts.to} does not answer${switchedNow ? ' after the switch command' : ''}: ${(e as Error).message}` });
    return { outcome: 'unreachable', why: (e as Error).message };
  }
  // Domains still waiting at shut-down: the switch (now or in an earlier run) must really have happened.
  const stale = ready.length > 0 ? await oldDomainsStillThere(rc, ready, target) : [];
  if (stale.length > 0) {
    sw.state = 'failed';
    sw.detail = `the command succeeded but ${rc.opts.to} still lists ${stale.join(', ')} from the old toolstack: it was not switched`;
    await rc.store.commit('switch-failed');
    rc.emit({ level: 'fail', message: sw.detail });
    return { outcome: 'failed' };
  }
  await rc.store.recordAll(ready, 'switched');
  return { outcome: 'done', target };
}
