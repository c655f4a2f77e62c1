/**
 * The hypervisor port implemented with the project's libvirt layer (virsh,
 * argv only, typed errors). One {@link Libvirt} per URI: --from and --to are
 * different connections. Concurrent dumpxml/define/start/shutdown/autostart
 * calls go through a {@link VirshBatcher} (one virsh connection per batch);
 * anything it cannot batch or confirm runs on its own, as before. The success
 * texts are matched loosely (older virsh printed names without quotes) because
 * an unrecognised success is re-run alone: harmless, but a second define.
 */
import { Libvirt, LibvirtError, withPrivateXmlFile, type VirshRunner } from '../libvirt/index.js';
import { HypervisorError, type HypervisorErrorKind, type HypervisorPort, type ListedDomain } from './ports.js';
import { VirshBatcher } from './virsh-batch.js';

const KINDS: Record<string, HypervisorErrorKind> = {
  'not-found': 'not-found',
  'invalid-state': 'invalid-state',
  unsupported: 'unsupported',
  connection: 'connection',
  timeout: 'timeout',
  'invalid-definition': 'rejected',
  conflict: 'rejected',
};

export interface LibvirtPortOptions {
  /** Coalesce concurrent calls into one virsh (default true). */
  batch?: boolean;
}

export function libvirtPort(runner: VirshRunner, opts: LibvirtPortOptions = {}): HypervisorPort & { batches(): number } {
  const conns = new Map<string, { lv: Libvirt; batcher: VirshBatcher }>();
  const conn = (uri: string) => {
    let c = conns.get(uri);
    if (!c) {
      const lv = new Libvirt(runner, uri);
      conns.set(uri, (c = { lv, batcher: new VirshBatcher(lv) }));
    }
    return c;
  };
  const lv = (uri: string) => conn(uri).lv;
  const call = async <T>(op: string, name: string | undefined, f: () => Promise<T>): Promise<T> => {
    try {
      return await f();
    } catch (e) {
      if (e instanceof LibvirtError) throw new HypervisorError(KINDS[e.kind] ?? 'other', e.libvirtMessage, e.operation || op, name);
      throw e;
    }
  };
  /** Batched when allowed; `alone` is the libvirt layer's own call. */
  const maybeBatch = (uri: string, words: string[], ok: (s: string) => boolean, alone: () => Promise<string>) =>
    opts.batch === false ? alone() : conn(uri).batcher.run(words, ok, alone);
  return {
    batches: () => [...conns.values()].reduce((n, c) => n + c.batcher.batches, 0),
    list: (uri) =>
      call('list', undefined, async () =>
        (await lv(uri).list()).map(
          (d): ListedDomain => ({
            name: d.name,
            uuid: d.uuid,
            // The coarse list state "other" with a runtime id is a live domain (idle, in shutdown, …).
            // libxl lists a guest that powered off as "shut off" while it still has its id, until its
            // teardown ends (seen on Xen 4.17 / libvirt 9): it is not down yet; undefined then, it stays.
            state: d.state === 'other' ? (d.id !== null ? 'idle' : 'shut off') : d.state === 'shut off' && d.id !== null ? 'in shutdown' : d.state,
            persistent: d.persistent,
          }),
        ),
      ),
    dumpXml: (uri, name, o) =>
      call('dumpxml', name, () =>
        maybeBatch(
          uri,
          ['dumpxml', ...(o.inactive ? ['--inactive'] : []), '--security-info', '--', name],
          (s) => /^\s*<domain[\s>]/.test(s) && s.includes('</domain>'),
          () => lv(uri).dumpXml(name, { inactive: o.inactive, securityInfo: true }),
        ),
      ),
    define: (uri, xml) =>
      call('define', undefined, () =>
        withPrivateXmlFile(xml, (file) => maybeBatch(uri, ['define', '--file', file], (s) => s.includes(` defined from ${file}`), () => lv(uri).define(xml))).then(() => undefined),
      ),
    undefine: (uri, name) => call('undefine', name, () => lv(uri).undefine(name)),
    start: (uri, name) => call('start', name, () => maybeBatch(uri, ['start', '--', name], (s) => /^Domain .* started$/m.test(s), async () => (await lv(uri).start(name), ''))).then(() => undefined),
    shutdown: (uri, name) =>
      call('shutdown', name, () => maybeBatch(uri, ['shutdown', '--', name], (s) => /^Domain .* is being shutdown$/m.test(s), async () => (await lv(uri).shutdown(name), ''))).then(() => undefined),
    destroy: (uri, name) => call('destroy', name, () => lv(uri).destroy(name)),
    state: (uri, name) => call('domstate', name, async () => (await lv(uri).domState(name)).state),
    setAutostart: (uri, name, on) =>
      call('autostart', name, () =>
        maybeBatch(uri, ['autostart', ...(on ? [] : ['--disable']), '--', name], (s) => /^Domain .* (marked|unmarked) as autostarted$/m.test(s), async () => (await lv(uri).setAutostart(name, on), '')),
      ).then(() => undefined),
    getAutostart: (uri, name) => call('dominfo', name, () => lv(uri).getAutostart(name)),
  };
}
