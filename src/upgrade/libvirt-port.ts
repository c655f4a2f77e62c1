/**
 * The hypervisor port implemented with the project's libvirt layer (virsh,
 * argv only, typed errors). One {@link Libvirt} per URI: --from and --to are
 * different connections.
 */
import { Libvirt, LibvirtError, type VirshRunner } from '../libvirt/index.js';
import { HypervisorError, type HypervisorErrorKind, type HypervisorPort, type ListedDomain } from './ports.js';

const KINDS: Record<string, HypervisorErrorKind> = {
  'not-found': 'not-found',
  'invalid-state': 'invalid-state',
  unsupported: 'unsupported',
  connection: 'connection',
  timeout: 'timeout',
  'invalid-definition': 'rejected',
  conflict: 'rejected',
};

export function libvirtPort(runner: VirshRunner): HypervisorPort {
  const conns = new Map<string, Libvirt>();
  const lv = (uri: string) => {
    let c = conns.get(uri);
    if (!c) conns.set(uri, (c = new Libvirt(runner, uri)));
    return c;
  };
  const call = async <T>(op: string, name: string | undefined, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof LibvirtError) throw new HypervisorError(KINDS[e.kind] ?? 'other', e.libvirtMessage, e.operation || op, name);
      throw e;
    }
  };
  return {
    list: (uri) =>
      call('list', undefined, async () =>
        (await lv(uri).list()).map(
          (d): ListedDomain => ({
            name: d.name,
            uuid: d.uuid,
            // The coarse list state "other" with a runtime id is a live domain (idle, in shutdown, …).
            state: d.state === 'other' ? (d.id !== null ? 'idle' : 'shut off') : d.state,
            persistent: d.persistent,
          }),
        ),
      ),
    dumpXml: (uri, name, o) => call('dumpxml', name, () => lv(uri).dumpXml(name, { inactive: o.inactive, securityInfo: true })),
    define: (uri, xml) => call('define', undefined, async () => void (await lv(uri).define(xml))),
    undefine: (uri, name) => call('undefine', name, () => lv(uri).undefine(name)),
    start: (uri, name) => call('start', name, () => lv(uri).start(name)),
    shutdown: (uri, name) => call('shutdown', name, () => lv(uri).shutdown(name)),
    destroy: (uri, name) => call('destroy', name, () => lv(uri).destroy(name)),
    state: (uri, name) => call('domstate', name, async () => (await lv(uri).domState(name)).state),
    setAutostart: (uri, name, on) => call('autostart', name, () => lv(uri).setAutostart(name, on)),
    getAutostart: (uri, name) => call('dominfo', name, () => lv(uri).getAutostart(name)),
  };
}
