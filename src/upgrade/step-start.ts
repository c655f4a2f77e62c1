/**
 * Steps "started" and "done": autostart where xend had it (the XML cannot say
 * it), then start on --to the domains that were running before, and wait
 * until libvirt reports them running.
 */
import { Xend2LibxlError } from '../errors.js';
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';
import { HypervisorError } from './ports.js';
import { currentState } from './wait-state.js';

/** virsh's words when its connection to libvirtd died mid-call (libvirt 9: "Disconnected from URI due to keepalive timeout"). */
const CONNECTION_LOST = /keepalive timeout|connection closed|Disconnected from/i;

export async function stepAutostartAndStart(rc: RunContext, d: JournalDomain): Promise<void> {
  const { hv } = rc.deps;
  const to = rc.opts.to!;
  // A domain that was not on the target before this run was defined just now: autostart is off, it is not running.
  const fresh = rc.seen.to !== undefined && !rc.seen.to.has(d.name);
  // A domain sharing a writable disk with the one chosen to run is neither autostarted nor started.
  const blocked = d.startBlockedBy !== undefined;
  if (d.autostart && !d.autostartSetByUs && !blocked) {
    const already = fresh ? false : await hv.getAutostart(to, d.name).catch(() => false);
    if (!already) {
      await hv.setAutostart(to, d.name, true);
      await rc.store.record(d, 'autostart-set', { autostartSetByUs: true });
      rc.emit({ level: 'ok', domain: d.name, message: 'autostart enabled' });
    }
  }
  // Start what was running before (and what we stopped): never start what the admin had shut off.
  if ((d.wasRunning || d.stoppedByUs) && !blocked) {
    const state = fresh ? 'shut off' : await currentState(hv, to, d.name);
    if (state !== 'running') {
      await rc.store.record(d, 'start-requested', { startedByUs: true });
      let lost: HypervisorError | undefined;
      await hv.start(to, d.name).catch((e) => {
        // Already running (a crash after start, before the journal write) is fine.
        if (e instanceof HypervisorError && e.kind === 'invalid-state') return;
        // Seen on libxl (Xen 4.17, busy dom0): building a PV guest takes so long that virsh's connection dies
        // ("keepalive timeout") while libvirtd goes on starting it. Whether it started, the state says.
        if (e instanceof HypervisorError && (e.kind === 'connection' || e.kind === 'timeout' || CONNECTION_LOST.test(e.message))) lost = e;
        else throw e;
      });
      if (lost) rc.emit({ level: 'warn', domain: d.name, message: `lost the connection while starting (${lost.message}); waiting for the domain to run` });
      const r = await rc.poller.wait(to, d.name, (s) => s === 'running', rc.opts.startTimeoutMs ?? 60_000);
      if (!r.reached && rc.opts.signal?.aborted) return;
      if (!r.reached && lost) throw lost;
      if (!r.reached) {
        throw new Xend2LibxlError('START_TIMEOUT', `${d.name} was started on ${to} but is ${r.state}, not running`, { hint: `look at the domain log on the target, then run with --resume` });
      }
      rc.emit({ level: 'ok', domain: d.name, message: `running on ${to}` });
    }
  }
  await rc.store.record(d, 'started');
  await rc.store.record(d, 'done', { status: 'done', next: blocked ? `defined; not started and no autostart: ${d.startBlockedBy}` : undefined, error: undefined });
}
