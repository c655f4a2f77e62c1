/**
 * A domain's current state, "absent" when libvirt does not know it (transient
 * `xm create` domains vanish when they stop). Waiting is {@link StatePoller}'s job.
 */
import type { DomainState, HypervisorPort } from './ports.js';
import { HypervisorError } from './ports.js';

export async function currentState(hv: HypervisorPort, uri: string, name: string): Promise<DomainState | 'absent'> {
  try {
    return await hv.state(uri, name);
  } catch (e) {
    if (e instanceof HypervisorError && e.kind === 'not-found') return 'absent';
    throw e;
  }
}
