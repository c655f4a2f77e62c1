/**
 * In-memory stand-ins for the upgrade ports. "XML" here is JSON of the pinned
 * model fields, so the orchestrator's logic is tested without a converter; the
 * real XML path is covered by the integration suites against real libvirtd.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DomainModel } from '../../src/convert/model.js';
import type { UpgradeDeps, UpgradeEvent } from '../../src/upgrade/context.js';
import { HypervisorError, type Clock, type HypervisorPort, type ListedDomain, type PinnedFields, type ReadDomainXml, type XendEntry } from '../../src/upgrade/ports.js';

export interface FakeDomain {
  name: string;
  uuid: string;
  xml: string;
  state: string;
  autostart: boolean;
  persistent: boolean;
  /** Ignores ACPI shutdown. */
  acpiIgnored?: boolean;
}

export type Call = { op: string; uri: string; name?: string };

export class FakeHypervisor implements HypervisorPort {
  hosts = new Map<string, Map<string, FakeDomain>>();
  calls: Call[] = [];
  unreachable = new Set<string>();
  /** Domain names whose define libvirt rejects. */
  rejectDefine = new Set<string>();

  host(uri: string): Map<string, FakeDomain> {
    if (this.unreachable.has(uri)) throw new HypervisorError('connection', `failed to connect to the hypervisor ${uri}`, 'connect');
    let h = this.hosts.get(uri);
    if (!h) this.hosts.set(uri, (h = new Map()));
    return h;
  }
  add(uri: string, d: Partial<FakeDomain> & { name: string; uuid: string }): void {
    const model = { ...pinned(d.name, d.uuid) };
    this.host(uri).set(d.name, { xml: JSON.stringify(model), state: 'shut off', autostart: false, persistent: true, ...d });
  }
  private get(uri: string, name: string, op: string): FakeDomain {
    this.calls.push({ op, uri, name });
    const d = this.host(uri).get(name);
    if (!d) throw new HypervisorError('not-found', `Domain not found: no domain with matching name '${name}'`, op, name);
    return d;
  }
  count(op: string, name?: string): number {
    return this.calls.filter((c) => c.op === op && (name === undefined || c.name === name)).length;
  }

  async list(uri: string): Promise<ListedDomain[]> {
    this.calls.push({ op: 'list', uri });
    return [...this.host(uri).values()].map((d) => {
      const state = d.state;
      // A requested shutdown completes by the next look, like a quick guest.
      if (d.state === 'in shutdown') d.state = 'shut off';
      return { name: d.name, uuid: d.uuid, state, persistent: d.persistent };
    });
  }
  async dumpXml(uri: string, name: string): Promise<string> {
    return this.get(uri, name, 'dumpxml').xml;
  }
  async define(uri: string, xml: string): Promise<void> {
    const m = JSON.parse(xml) as { name: string; uuid: string };
    this.calls.push({ op: 'define', uri, name: m.name });
    const h = this.host(uri);
    if (this.rejectDefine.has(m.name)) throw new HypervisorError('rejected', `unsupported configuration: rejected ${m.name}`, 'define', m.name);
    const old = h.get(m.name);
    h.set(m.name, { name: m.name, uuid: m.uuid, xml, state: old?.state ?? 'shut off', autostart: old?.autostart ?? false, persistent: true });
  }
  async undefine(uri: string, name: string): Promise<void> {
    const d = this.get(uri, name, 'undefine');
    if (d.state === 'running') d.persistent = false;
    else this.host(uri).delete(name);
  }
  async start(uri: string, name: string): Promise<void> {
    const d = this.get(uri, name, 'start');
    if (d.state === 'running') throw new HypervisorError('invalid-state', 'Requested operation is not valid: domain is already running', 'start', name);
    d.state = 'running';
  }
  async shutdown(uri: string, name: string): Promise<void> {
    const d = this.get(uri, name, 'shutdown');
    if (d.state !== 'running') throw new HypervisorError('invalid-state', 'domain is not running', 'shutdown', name);
    if (!d.acpiIgnored) d.state = 'in shutdown';
  }
  async destroy(uri: string, name: string): Promise<void> {
    this.get(uri, name, 'destroy').state = 'shut off';
  }
  async state(uri: string, name: string): Promise<string> {
    const d = this.get(uri, name, 'state');
    // A requested shutdown completes at the next look, like a quick guest.
    if (d.state === 'in shutdown') {
      d.state = 'shut off';
      return 'in shutdown';
    }
    return d.state;
  }
  async setAutostart(uri: string, name: string, on: boolean): Promise<void> {
    this.get(uri, name, 'autostart').autostart = on;
  }
  async getAutostart(uri: string, name: string): Promise<boolean> {
    return this.get(uri, name, 'getautostart').autostart;
  }
}

export function pinned(name: string, uuid: string, extra: Partial<PinnedFields> = {}): PinnedFields {
  return { name, uuid, osType: 'pv', memoryKiB: 524288, maxMemoryKiB: 524288, vcpus: 1, disks: [{ target: 'xvda', device: 'disk', source: `/dev/vg/${name}`, sourceType: 'block', readonly: false, shareable: false }], nics: [{ mac: '00:16:3e:00:00:01', bridge: 'br0' }], ...extra };
}

export const readJsonXml: ReadDomainXml = (xml) => JSON.parse(xml) as PinnedFields;

/** Virtual time: sleeping advances the clock instantly, so timeouts are tested in microseconds. */
export function fakeClock(): Clock {
  let t = 0;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

/** A xend root on disk with one `<uuid>/config.sxp` per domain (content is only backed up, never parsed here). */
export function writeXendRoot(root: string, domains: { uuid: string; name: string; checkpoint?: boolean }[]): void {
  for (const d of domains) {
    mkdirSync(path.join(root, d.uuid), { recursive: true });
    writeFileSync(path.join(root, d.uuid, 'config.sxp'), `(domain (name ${d.name}) (uuid ${d.uuid}))\n`);
    if (d.checkpoint) writeFileSync(path.join(root, d.uuid, 'checkpoint.chk'), 'LinuxGuestRecord....');
  }
}

export interface FakeSourceDomain {
  uuid: string;
  name: string;
  autostart?: boolean;
  error?: string;
  checkpoint?: boolean;
}

export function fakeSource(domains: FakeSourceDomain[]): UpgradeDeps['source'] {
  return {
    async read(root) {
      return domains.map((d): XendEntry => {
        const dir = path.join(root, d.uuid);
        const model = { ...pinned(d.name, d.uuid), autostart: d.autostart ?? false } as unknown as DomainModel;
        return {
          entry: d.uuid,
          dir,
          configPath: path.join(dir, 'config.sxp'),
          checkpointPath: d.checkpoint ? path.join(dir, 'checkpoint.chk') : undefined,
          name: d.name,
          uuid: d.uuid,
          xml: d.error ? undefined : JSON.stringify(pinned(d.name, d.uuid)),
          model: d.error ? undefined : model,
          warnings: [],
          errors: d.error ? [{ code: 'SXP_SYNTAX', message: d.error }] : [],
        };
      });
    },
  };
}

export function fakeDeps(hv: FakeHypervisor, source: UpgradeDeps['source'], events: UpgradeEvent[] = []): UpgradeDeps & { switchRuns: string[] } {
  const switchRuns: string[] = [];
  return {
    hv,
    source,
    readDomainXml: readJsonXml,
    clock: fakeClock(),
    switchRunner: {
      async run(command) {
        switchRuns.push(command);
        return command.includes('fail') ? { exitCode: 1, output: 'xend: stop failed', timedOut: false } : { exitCode: 0, output: 'switched', timedOut: false };
      },
    },
    onEvent: (e) => events.push(e),
    switchRuns,
  };
}

export const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
