/**
 * A scripted two-host QEMU libvirt for unit tests, answering virsh argv through the
 * injectable VirshRunner with libvirt's real output formats and error texts (as the
 * libvirt rig prints them). The libxl driver is not simulated any more: its behaviour
 * is proven on the real Xen rig (test/xen/migrate-*.xen.test.ts). `versions` and
 * `capabilities` let a host claim another toolstack for the preflight's mismatch check.
 */
import { readFileSync } from 'node:fs';
import type { RunningCall, VirshCall, VirshResult, VirshRunner } from '../../src/libvirt/runner.js';

export interface FakeDomain {
  state: 'running' | 'paused' | 'shut off';
  reason: string;
  persistent: boolean;
  uuid: string;
  memoryMiB: number;
}

export interface FakeWorld {
  driver: 'qemu';
  hosts: Record<string, Map<string, FakeDomain>>;
  /** How long a migration takes when left alone (ms); Infinity = never converges. */
  migrationMs: number;
  /** Delay before the incoming copy appears on the destination (prepare phase). */
  prepareMs: number;
  /** `virsh version` / `virsh capabilities` per host URI (default: a QEMU host). */
  versions: Record<string, string>;
  capabilities: Record<string, string>;
  calls: string[][];
  /** Hosts that refuse connections. */
  down: Set<string>;
  /** Hosts whose `destroy` times out on libvirt's job lock (a stale incoming-migration job, as seen on real libxl). */
  jobLocked: Set<string>;
}

export function fakeWorld(driver: 'qemu', src: string, dst: string, domains: string[] = []): FakeWorld {
  const hosts: Record<string, Map<string, FakeDomain>> = { [src]: new Map(), [dst]: new Map() };
  domains.forEach((d, i) => hosts[src].set(d, { state: 'running', reason: 'booted', persistent: true, uuid: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`, memoryMiB: 64 }));
  return { driver, hosts, migrationMs: 1500, prepareMs: 100, versions: {}, capabilities: {}, calls: [], down: new Set(), jobLocked: new Set() };
}

const NOT_FOUND = (d: string) => `error: failed to get domain '${d}'\n`;

interface Flight {
  started: number;
  src: string;
  dst: string;
  domain: string;
  finish: (code: number, stderr: string) => void;
  timer?: NodeJS.Timeout;
}

export function fakeRunner(w: FakeWorld): VirshRunner & { flights: Map<string, Flight> } {
  const flights = new Map<string, Flight>();
  const ok = (stdout = ''): Partial<VirshResult> => ({ exitCode: 0, stdout, stderr: '' });
  const err = (stderr: string): Partial<VirshResult> => ({ exitCode: 1, stdout: '', stderr });

  const endFlight = (f: Flight, outcome: 'done' | 'aborted' | 'stream-broken') => {
    if (f.timer) clearTimeout(f.timer);
    flights.delete(f.domain);
    const s = w.hosts[f.src].get(f.domain);
    const incoming = w.hosts[f.dst].get(f.domain);
    if (outcome === 'done' && s && incoming) {
      w.hosts[f.dst].set(f.domain, { ...incoming, state: 'running', reason: 'migrated', persistent: true });
      w.hosts[f.src].delete(f.domain);
      f.finish(0, 'Migration: [100 %]\n');
      return;
    }
    w.hosts[f.dst].delete(f.domain);
    if (outcome === 'aborted') {
      if (s) s.state = 'running';
      f.finish(1, "Migration: [ 12 %]\rerror: operation aborted: job 'migration out' canceled by client\n");
    } else {
      f.finish(1, "error: operation failed: job 'migration out' failed: Unable to write to socket: Bad file descriptor\n");
    }
  };

  const handle = (call: VirshCall, finish: (r: Partial<VirshResult>) => void): void => {
    const uri = call.uri ?? '';
    // virsh's global `-k N` (keepalive) may precede the command.
    const a = call.args.filter((x) => x !== '--').filter((x, i, all) => !(x === '-k' && i === 0) && !(i === 1 && all[0] === '-k'));
    w.calls.push([uri, ...call.args]);
    if (w.down.has(uri)) return finish(err(`error: failed to connect to the hypervisor\nerror: Cannot recv data: Connection reset by peer\n`));
    const host = w.hosts[uri];
    if (!host) return finish(err(`error: failed to connect to the hypervisor\nerror: no connection driver available for ${uri}\n`));
    const [cmd] = a;
    // Like virsh: a domain argument shaped like a UUID is looked up as one first, then as a name.
    const ref = a[a.length - 1];
    const byUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref) ? [...host].find(([, d]) => d.uuid === ref)?.[0] : undefined;
    const name = byUuid ?? ref;
    const dom = host.get(name);
    switch (cmd) {
      case 'uri':
        return finish(ok(`${uri}\n`));
      case 'version':
        return finish(ok(w.versions[uri] ?? 'Compiled against library: libvirt 9.0.0\nUsing library: libvirt 9.0.0\nUsing API: QEMU 9.0.0\nRunning hypervisor: QEMU 7.2.0\n\n'));
      case 'capabilities':
        return finish(ok(w.capabilities[uri] ?? "<capabilities>\n  <host>\n    <migration_features>\n      <live/>\n      <uri_transports>\n        <uri_transport>tcp</uri_transport>\n        <uri_transport>rdma</uri_transport>\n      </uri_transports>\n    </migration_features>\n  </host>\n</capabilities>\n"));
      case 'list': {
        const running = a.includes('--state-running');
        return finish(ok([...host].filter(([, d]) => (running ? d.state === 'running' : d.state !== 'shut off')).map(([n]) => `${n}\n`).join('') + '\n'));
      }
      case 'dominfo':
        if (!dom) return finish(err(NOT_FOUND(name)));
        return finish(ok(`Id:             1\nName:           ${name}\nUUID:           ${dom.uuid}\nState:          ${dom.state}\nPersistent:     ${dom.persistent ? 'yes' : 'no'}\n`));
      case 'domstate':
        if (!dom) return finish(err(NOT_FOUND(name)));
        return finish(ok(`${dom.state} (${dom.reason})\n\n`));
      case 'dumpxml':
        if (!dom) return finish(err(NOT_FOUND(name)));
        return finish(ok(`<domain type='qemu'><name>${name}</name><uuid>${dom.uuid}</uuid><memory unit='KiB'>${dom.memoryMiB * 1024}</memory><os><type>hvm</type></os><devices><interface type='bridge'><source bridge='xenbr0'/></interface></devices></domain>\n`));
      case 'define': {
        const xml = readFileSync(name, 'utf8');
        const n = /<name>([^<]+)<\/name>/.exec(xml)?.[1] ?? '';
        const d = host.get(n);
        if (d) d.persistent = true;
        else host.set(n, { state: 'shut off', reason: 'unknown', persistent: true, uuid: /<uuid>([^<]+)</.exec(xml)?.[1] ?? 'new', memoryMiB: 64 });
        return finish(ok(`Domain '${n}' defined from ${name}\n`));
      }
      case 'iface-list':
        return finish(ok(' Name     State    MAC Address\n---------------------------------\n xenbr0   active   aa:bb:cc:dd:ee:ff\n'));
      case 'destroy': {
        if (w.jobLocked.has(uri)) return finish(err(`error: Failed to destroy domain '${name}'\nerror: Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainMigratePrepare3Params)\n`));
        if (!dom || dom.state === 'shut off') return finish(err(dom ? 'error: Requested operation is not valid: domain is not running\n' : NOT_FOUND(name)));
        const f = [...flights.values()].find((x) => x.dst === uri && x.domain === name);
        if (!dom.persistent) host.delete(name);
        else Object.assign(dom, { state: 'shut off', reason: 'destroyed' });
        if (f) setTimeout(() => endFlight(f, 'stream-broken'), 30);
        return finish(ok(`Domain '${name}' destroyed\n`));
      }
      case 'undefine':
        if (!dom) return finish(err(NOT_FOUND(name)));
        if (dom.state === 'shut off') host.delete(name);
        else dom.persistent = false;
        return finish(ok(`Domain '${name}' has been undefined\n`));
      case 'resume':
        if (!dom) return finish(err(NOT_FOUND(name)));
        if (dom.state !== 'paused') return finish(err('error: Requested operation is not valid: domain is not paused\n'));
        Object.assign(dom, { state: 'running', reason: 'unpaused' });
        return finish(ok(`Domain '${name}' resumed\n`));
      case 'suspend':
        if (!dom) return finish(err(NOT_FOUND(name)));
        Object.assign(dom, { state: 'paused', reason: 'user' });
        {
          // A paused guest stops dirtying memory: the copy converges shortly.
          const f = flights.get(name);
          if (f) {
            if (f.timer) clearTimeout(f.timer);
            f.timer = setTimeout(() => endFlight(f, 'done'), 300);
          }
        }
        return finish(ok(`Domain '${name}' suspended\n`));
      case 'domjobabort': {
        const f = flights.get(name);
        if (!f || f.src !== uri) return finish(err('error: Requested operation is not valid: no job is active on the domain\n'));
        setTimeout(() => endFlight(f, 'aborted'), 20);
        return finish(ok());
      }
      case 'domjobinfo': {
        if (!dom) return finish(err(NOT_FOUND(name)));
        const f = flights.get(name);
        if (!f || f.src !== uri) return finish(ok('Job type: 0\n\n'));
        const el = Date.now() - f.started;
        const total = dom.memoryMiB * 1048576;
        const frac = Number.isFinite(w.migrationMs) ? Math.min(0.95, el / w.migrationMs) : Math.min(0.6, el / 3000);
        const remaining = Math.round(total * (1 - frac));
        return finish(ok(`Job type: 2\n\noperation: 5\ntime_elapsed: ${el}\ndata_total: ${total}\ndata_processed: ${total - remaining}\ndata_remaining: ${remaining}\nmemory_total: ${total}\nmemory_processed: ${total - remaining}\nmemory_remaining: ${remaining}\nmemory_bps: 1048576\nmemory_dirty_rate: ${Number.isFinite(w.migrationMs) ? 0 : 512}\nmemory_iteration: 1\nmemory_page_size: 4096\n`));
      }
      case 'migrate': {
        const dst = a[a.length - 1];
        const domain = a[a.length - 2];
        const s = host.get(domain);
        if (!s) return finish(err(NOT_FOUND(domain)));
        if (!w.hosts[dst]) return finish(err(`error: operation failed: Failed to connect to remote libvirt URI ${dst}\n`));
        const f: Flight = { started: Date.now(), src: uri, dst, domain, finish: (code, stderr) => finish({ exitCode: code, stdout: '', stderr }) };
        flights.set(domain, f);
        setTimeout(() => {
          if (flights.get(domain) === f) w.hosts[dst].set(domain, { ...s, state: 'paused', reason: 'migrating', persistent: false });
        }, w.prepareMs);
        if (Number.isFinite(w.migrationMs)) f.timer = setTimeout(() => endFlight(f, 'done'), w.migrationMs);
        return;
      }
      default:
        return finish(err(`error: unknown command: '${cmd}'\n`));
    }
  };

  return {
    flights,
    start(call: VirshCall): RunningCall {
      const t0 = Date.now();
      let kill: () => void = () => {};
      const result = new Promise<VirshResult>((resolve) => {
        const done = (r: Partial<VirshResult>) =>
          resolve({ argv: ['virsh', '-c', call.uri ?? '', ...call.args], stdout: '', stderr: '', exitCode: 0, signal: null, timedOut: false, durationMs: Date.now() - t0, ...r });
        kill = () => done({ exitCode: null, signal: 'SIGTERM' });
        // Answer asynchronously like a real process.
        setTimeout(() => handle(call, done), 2);
      });
      return { result, kill: () => kill() };
    },
  };
}
