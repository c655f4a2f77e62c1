/**
 * Step "shut-down": graceful shutdown on --from, waiting up to
 * --shutdown-timeout. On timeout the domain is destroyed only with --force;
 * otherwise it is *held* (still running, nothing else done to it) and the
 * report says what to do.
 */
import type { RunContext } from './context.js';
import type { JournalDomain } from './journal.js';
import { isActive } from './plan.js';
import { HypervisorError } from './ports.js';
import { currentState } from './wait-state.js';

/** Re-press the power button now and then: a press during guest boot is lost. */
const RESEND_MS = 10_000;

export async function stepShutdown(rc: RunContext, d: JournalDomain): Promise<void> {
  const { hv, clock } = rc.deps;
  const from = rc.opts.from;
  const name = d.fromName;
  if (!from || !name) {
    await rc.store.record(d, 'shut-down');
    return;
  }
  const state = rc.seen.from?.get(name) ?? (await currentState(hv, from, name));
  if (state === 'absent' || !isActive(state)) {
    await rc.store.record(d, 'shut-down');
    return;
  }
  rc.emit({ level: 'info', domain: d.name, message: `shutting down on ${from} (up to ${Math.round(rc.opts.shutdownTimeoutMs / 1000)} s)` });
  await rc.store.record(d, 'shutdown-requested', { stoppedByUs: true });
  // Between the state check and the request the guest may have stopped by itself.
  await hv.shutdown(from, name).catch((e) => {
    if (!(e instanceof HypervisorError && (e.kind === 'invalid-state' || e.kind === 'not-found'))) throw e;
  });
  let lastPress = clock.now();
  const down = (s: string) => s === 'absent' || !isActive(s);
  const r = await rc.poller.wait(from, name, down, rc.opts.shutdownTimeoutMs, () => {
    if (clock.now() - lastPress < RESEND_MS) return;
    lastPress = clock.now();
    void hv.shutdown(from, name).catch(() => {});
  });
  // Interrupted while waiting: the request stands; --resume looks at the state again.
  if (!r.reached && rc.opts.signal?.aborted) return;
  if (!r.reached) {
    if (!rc.opts.force) {
      await rc.store.record(d, 'held', {
        status: 'held',
        error: { code: 'SHUTDOWN_TIMEOUT', message: `${d.name} did not shut down within ${Math.round(rc.opts.shutdownTimeoutMs / 1000)} s (still ${r.state})` },
        next: `shut it down inside the guest (or re-run with --force to destroy it), then run with --resume`,
      });
      rc.emit({ level: 'warn', domain: d.name, message: 'did not shut down in time: held (still running, untouched)' });
      return;
    }
    rc.emit({ level: 'warn', domain: d.name, message: 'did not shut down in time: destroying (--force)' });
    await hv.destroy(from, name);
    await rc.store.record(d, 'destroyed');
  }
  await rc.store.record(d, 'shut-down', { stoppedByUs: true });
  rc.emit({ level: 'ok', domain: d.name, message: 'shut down' });
}
