/**
 * Checks before a migration starts, each through libvirt on the host concerned:
 * both daemons answer, the domain exists and runs on the source and has no namesake
 * on the destination, the destination has the bridges/networks and disk paths the
 * domain uses, the CPU is compatible where the driver can tell, the URIs make sense,
 * and options the driver cannot honour are named. `--dry-run` prints just this.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { VirshRunner } from '../libvirt/runner.js';
import { dumpXml, inspectDomain } from './domain-ops.js';
import { type DomainFacts, domainFacts } from './domain-facts.js';
import { type DriverCaps, coldMoveHint } from './driver.js';
import { TOOLSTACK_LABEL, type ToolstackId, detectToolstack } from './toolstack.js';
import { classifyVirsh, virshMessage } from './virsh-errors.js';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export interface DomainPreflight {
  domain: string;
  checks: Check[];
  /** True when no check failed. */
  ok: boolean;
  facts?: DomainFacts;
  persistent?: boolean;
}

export interface PreflightInput {
  runner: VirshRunner;
  sourceUri: string;
  destUri: string;
  caps: DriverCaps;
  bandwidthMiB?: number;
  /** Domains named on the command line, for the cold-move command of a toolstack mismatch. */
  domains?: readonly string[];
}

const q = (runner: VirshRunner, uri: string, args: string[]) => runner.start({ uri, args, timeoutMs: 20_000 }).result;

/** Host-level checks, done once per command: both daemons answer, with the same toolstack. */
export async function preflightHosts(inp: PreflightInput): Promise<Check[]> {
  const checks: Check[] = [];
  // `virsh version` (+ capabilities on Xen) is the reachability probe too: one round per host, both at once.
  const ids = await Promise.all(
    [inp.sourceUri, inp.destUri].map((uri) => detectToolstack(inp.runner, uri).then((id) => ({ id }), (e: Error) => ({ error: e.message }))),
  );
  ids.forEach((r, i) => {
    const uri = i === 0 ? inp.sourceUri : inp.destUri;
    checks.push({ name: `${i === 0 ? 'source' : 'destination'} reachable`, status: 'error' in r ? 'fail' : 'ok', detail: 'error' in r ? r.error : uri });
  });
  const [src, dst] = ids;
  if ('id' in src && 'id' in dst) checks.push(compareToolstacks(inp, src.id, dst.id));
  if (inp.bandwidthMiB !== undefined && !inp.caps.bandwidth) {
    checks.push({ name: 'bandwidth cap', status: 'warn', detail: `the ${inp.caps.driver} driver has no bandwidth control; --bandwidth ${inp.bandwidthMiB} is ignored` });
  }
  if (!inp.caps.abortJob) {
    checks.push({ name: 'cancellation', status: 'warn', detail: `the ${inp.caps.driver} driver cannot abort a migration job: Ctrl-C waits for a running migration to end (a second Ctrl-C leaves without touching anything); queued ones do not start` });
  }
  if (!inp.caps.byteStats) {
    checks.push({ name: 'progress', status: 'warn', detail: `the ${inp.caps.driver} driver reports elapsed time only; no percentage will be shown` });
  }
  return checks;
}

/** Both daemons must run the same toolstack: a live migration cannot cross xend → libxl or Xen → QEMU. */
function compareToolstacks(inp: PreflightInput, src: ToolstackId, dst: ToolstackId): Check {
  const say = (t: ToolstackId) => `${TOOLSTACK_LABEL[t.toolstack]}, ${t.hypervisor}`;
  if (src.toolstack === dst.toolstack && src.toolstack !== 'other') return { name: 'toolstack', status: 'ok', detail: `${say(src)} on both` };
  if (src.toolstack === dst.toolstack) return { name: 'toolstack', status: 'warn', detail: `neither host is a Xen or QEMU host (${src.hypervisor} / ${dst.hypervisor})` };
  return {
    name: 'toolstack',
    status: 'fail',
    detail: `the source runs ${say(src)} but the destination ${say(dst)}: a live migration cannot cross toolstacks; ${coldMoveHint(inp.sourceUri, inp.destUri, inp.domains)}`,
  };
}

export async function preflightDomain(inp: PreflightInput, domain: string): Promise<DomainPreflight> {
  const checks: Check[] = [];
  const done = (extra: Partial<DomainPreflight> = {}): DomainPreflight => ({ domain, checks, ok: !checks.some((c) => c.status === 'fail'), ...extra });
  const { runner, sourceUri: su, destUri: du } = inp;

  let persistent = false;
  try {
    // Both hosts at once: preflight time is part of every migration's wall time (bench/migrate-xen).
    const [src, dst] = await Promise.all([inspectDomain(runner, su, domain), inspectDomain(runner, du, domain)]);
    persistent = src.persistent;
    if (src.state === 'absent') checks.push({ name: 'domain on source', status: 'fail', detail: `no domain named ${domain} on ${su}` });
    else if (src.state !== 'running') checks.push({ name: 'domain on source', status: 'fail', detail: `${domain} is ${src.state}${src.reason ? ` (${src.reason})` : ''}, not running; live migration needs a running guest` });
    else checks.push({ name: 'domain on source', status: 'ok', detail: `running${persistent ? ', persistent' : ', transient (it will be made persistent on the destination)'}` });
    if (dst.state !== 'absent') checks.push({ name: 'name free on destination', status: 'fail', detail: `${du} already has a domain named ${domain} (${dst.state}); remove or rename it first` });
    else checks.push({ name: 'name free on destination', status: 'ok', detail: 'no domain of that name' });
  } catch (e) {
    checks.push({ name: 'domain lookup', status: 'fail', detail: (e as Error).message });
    return done();
  }
  if (checks.some((c) => c.status === 'fail')) return done({ persistent });

  let facts: DomainFacts;
  try {
    facts = domainFacts(await dumpXml(runner, su, domain));
  } catch (e) {
    checks.push({ name: 'domain XML', status: 'fail', detail: (e as Error).message });
    return done({ persistent });
  }
  if (facts.hostDevices > 0) {
    checks.push({ name: 'host devices', status: inp.caps.driver === 'libxl' ? 'fail' : 'warn', detail: `${facts.hostDevices} assigned host device(s); libxl refuses to migrate such a domain ("domain has assigned host devices")` });
  }
  // Independent destination queries, asked at once; reported in a fixed order.
  const parts: Check[][] = [[], [], [], []];
  await Promise.all([checkBridges(inp, facts, parts[0]), checkNetworks(inp, facts, parts[1]), checkPaths(inp, facts, parts[2]), checkCpu(inp, facts, parts[3])]);
  checks.push(...parts.flat());
  return done({ facts, persistent });
}

async function checkBridges(inp: PreflightInput, f: DomainFacts, checks: Check[]): Promise<void> {
  if (f.bridges.length === 0) return;
  let names: string[] | null = null;
  const ifaces = await q(inp.runner, inp.destUri, ['iface-list', '--all']);
  if (!classifyVirsh(ifaces)) names = ifaces.stdout.split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]).filter(Boolean);
  else {
    const dev = await q(inp.runner, inp.destUri, ['nodedev-list', '--cap', 'net']);
    // Node device names are net_<ifname>_<mac>, with non-alphanumerics in ifname turned into '_'.
    if (!classifyVirsh(dev)) names = dev.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  }
  for (const br of f.bridges) {
    if (names === null) checks.push({ name: `bridge ${br}`, status: 'warn', detail: 'cannot verify: the destination libvirt offers neither interface nor node-device listing' });
    else {
      const found = names.includes(br) || names.some((n) => n.startsWith(`net_${br.replace(/[^A-Za-z0-9]/g, '_')}_`));
      checks.push({ name: `bridge ${br}`, status: found ? 'ok' : 'fail', detail: found ? 'present on destination' : `not present on the destination; create it there first (xl does no network setup)` });
    }
  }
}

async function checkNetworks(inp: PreflightInput, f: DomainFacts, checks: Check[]): Promise<void> {
  for (const net of f.networks) {
    const r = await q(inp.runner, inp.destUri, ['net-info', '--', net]);
    const active = /^Active:\s*yes/m.test(r.stdout);
    if (classifyVirsh(r)) checks.push({ name: `network ${net}`, status: 'fail', detail: `not defined on the destination (${virshMessage(r)})` });
    else checks.push({ name: `network ${net}`, status: active ? 'ok' : 'fail', detail: active ? 'active on destination' : 'defined but not active on the destination; net-start it' });
  }
}

async function checkPaths(inp: PreflightInput, f: DomainFacts, checks: Check[]): Promise<void> {
  const answers = await Promise.all(f.paths.map((p) => q(inp.runner, inp.destUri, ['vol-key', '--', p])));
  for (const [i, p] of f.paths.entries()) {
    const r = answers[i];
    if (!classifyVirsh(r)) checks.push({ name: `path ${p}`, status: 'ok', detail: 'known to a storage pool on the destination' });
    else checks.push({ name: `path ${p}`, status: 'warn', detail: 'cannot verify through libvirt (not in a storage pool on the destination); it must exist there at the same path (shared storage)' });
  }
}

async function checkCpu(inp: PreflightInput, f: DomainFacts, checks: Check[]): Promise<void> {
  if (!f.cpuXml) {
    checks.push({ name: 'CPU compatibility', status: 'skip', detail: 'the domain names no CPU model; nothing to compare' });
    return;
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'xend2libxl-cpu-'));
  try {
    const file = path.join(dir, 'cpu.xml');
    await writeFile(file, f.cpuXml, 'utf8');
    // qemu has the hypervisor-aware comparison; libxl only the host-CPU one.
    // Compare against the domain's own virt type (a TCG 'qemu' guest is not judged by KVM's CPU).
    const virt = f.hypervisorType ? ['--virttype', f.hypervisorType] : [];
    let r = await q(inp.runner, inp.destUri, ['hypervisor-cpu-compare', ...virt, '--', file]);
    if (classifyVirsh(r) === 'unsupported') r = await q(inp.runner, inp.destUri, ['cpu-compare', '--', file]);
    const out = `${r.stdout}${r.stderr}`;
    if (/incompatible/i.test(out)) checks.push({ name: 'CPU compatibility', status: 'fail', detail: out.trim().split('\n')[0].replace(file, 'the domain CPU') });
    else if (classifyVirsh(r)) checks.push({ name: 'CPU compatibility', status: 'warn', detail: `cannot compare: ${virshMessage(r)}` });
    else checks.push({ name: 'CPU compatibility', status: 'ok', detail: out.trim().split('\n')[0].replace(file, 'the domain CPU') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
