/**
 * Poll a domain's state until a predicate holds or time runs out. A domain
 * that disappears counts as "shut off": transient (`xm create`) domains vanish
 * from libvirt when they stop.
 */
import type { Clock, DomainState, HypervisorPort } from './ports.js';
import { HypervisorError } from './ports.js';

export async function currentState(hv: HypervisorPort, uri: string, name: string): Promise<DomainState | 'absent'> {
  try {
    return await hv.state(uri, name);
  } catch (e) {
    if (e instanceof HypervisorError && e.kind === 'not-found') return 'absent';
    throw e;
  }
}

export async function waitForState(
  hv: HypervisorPort,
  clock: Clock,
  uri: string,
  name: string,
  done: (s: DomainState | 'absent') => boolean,
  timeoutMs: number,
  pollMs: number,
  onPoll?: (elapsedMs: number) => Promise<void>,
): Promise<{ reached: boolean; state: DomainState | 'absent' }> {
  const start = clock.now();
  for (;;) {
    const state = await currentState(hv, uri, name);
    if (done(state)) return { reached: true, state };
    const elapsed = clock.now() - start;
    if (elapsed >= timeoutMs) return { reached: false, state };
    await clock.sleep(Math.min(pollMs, timeoutMs - elapsed));
    await onPoll?.(clock.now() - start);
  }
}
