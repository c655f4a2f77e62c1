/**
 * Per-host domain queries and actions the migration code needs (state, persistence,
 * destroy, undefine, resume …), all over the injectable runner. Every function maps
 * "no such domain" to a value rather than an error, because during reconciliation an
 * absent copy is an expected, meaningful state.
 */
import type { VirshResult, VirshRunner } from '../libvirt/runner.js';
import { resumeDomain } from '../libvirt/migration.js';
import { Libvirt } from '../libvirt/client.js';
import { VirshCallError, classifyVirsh, virshMessage } from './virsh-errors.js';

export type DomainRunState = 'running' | 'paused' | 'shutoff' | 'other' | 'absent';

export interface DomainPresence {
  state: DomainRunState;
  /** libvirt's reason, e.g. "migration" in "paused (migration)". */
  reason?: string;
  persistent: boolean;
  /** libvirt UUID, to tell the guest's incoming copy from an unrelated namesake. */
  uuid?: string;
}

const QUICK_MS = 15_000;

async function call(runner: VirshRunner, uri: string, args: string[], timeoutMs = QUICK_MS): Promise<VirshResult> {
  return runner.start({ uri, args, timeoutMs }).result;
}

function mapState(s: string): DomainRunState {
  if (s === 'running' || s === 'idle' || s === 'no state') return 'running';
  if (s === 'paused' || s === 'in shutdown' || s === 'pmsuspended') return s === 'paused' ? 'paused' : 'other';
  if (s === 'shut off' || s === 'crashed') return 'shutoff';
  return 'other';
}

/** State + persistence of a domain on one host; `absent` when the host has no such domain. */
export async function inspectDomain(runner: VirshRunner, uri: string, domain: string): Promise<DomainPresence> {
  // One virsh per host in the common case: reconciliation latency is part of every cancel.
  const info = await call(runner, uri, ['dominfo', '--', domain]);
  const kind = classifyVirsh(info);
  if (kind === 'not-found') return { state: 'absent', persistent: false };
  if (kind) throw new VirshCallError(info, `cannot inspect ${domain} on ${uri}`);
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(info.stdout)?.[1]?.trim() ?? '';
  const base = { state: mapState(field('State')), persistent: field('Persistent') === 'yes', uuid: field('UUID') || undefined };
  if (base.state === 'running') return base;
  // Not running: the reason ("paused (migration)") tells the admin what happened.
  let st: { state: DomainRunState; reason?: string };
  try {
    st = await domainState(runner, uri, domain);
  } catch {
    return base;
  }
  // The domain can vanish between the two calls (a finishing migration undefines it).
  if (st.state === 'absent') return { state: 'absent', persistent: false };
  return { ...base, state: st.state, reason: st.reason };
}

/**
 * Run state and libvirt's reason in ONE virsh call (`domstate --reason`), for the
 * cancel path where every call is latency. `domain` may be a UUID: virsh looks it
 * up as one first, so a namesake with another UUID reads as absent.
 */
export async function domainState(runner: VirshRunner, uri: string, domain: string): Promise<{ state: DomainRunState; reason?: string }> {
  const st = await call(runner, uri, ['domstate', '--reason', '--', domain]);
  const kind = classifyVirsh(st);
  if (kind === 'not-found') return { state: 'absent' };
  if (kind) throw new VirshCallError(st, `cannot read the state of ${domain} on ${uri}`);
  const m = /^\s*([a-z ]+?)(?:\s*\(([^)]*)\))?\s*$/m.exec(st.stdout.trim());
  if (!m) throw new VirshCallError(st, `unexpected domstate output for ${domain} on ${uri}: ${st.stdout.trim().slice(0, 80)}`);
  return { state: mapState(m[1]), reason: m[2] };
}

/** Like {@link inspectDomain} but never throws: unknown hosts read as `other` with the error as reason. */
export async function inspectQuietly(runner: VirshRunner, uri: string, domain: string): Promise<DomainPresence & { error?: string }> {
  try {
    return await inspectDomain(runner, uri, domain);
  } catch (e) {
    return { state: 'other', persistent: false, error: (e as Error).message };
  }
}

/** libvirt's job lock is held (e.g. by an incoming migration): the domain is there, nothing was done. */
const isLockTimeout = (r: VirshResult) => /cannot acquire state change lock/.test(virshMessage(r));

/** Destroy a copy; "not found" and "not running" count as done — a lock timeout does not. */
export async function destroyIfPresent(runner: VirshRunner, uri: string, domain: string): Promise<'destroyed' | 'absent'> {
  // 45 s: libvirt gives up waiting for a held job lock after 30 s and says so.
  const r = await call(runner, uri, ['destroy', '--', domain], 45_000);
  const kind = classifyVirsh(r);
  if (!kind) return 'destroyed';
  if (kind === 'not-found' || (kind === 'invalid-state' && !isLockTimeout(r))) return 'absent';
  throw new VirshCallError(r, `cannot destroy ${domain} on ${uri}`);
}

export async function undefineIfPresent(runner: VirshRunner, uri: string, domain: string): Promise<'undefined' | 'absent'> {
  const r = await call(runner, uri, ['undefine', '--', domain], 45_000);
  const kind = classifyVirsh(r);
  if (!kind) return 'undefined';
  if (kind === 'not-found' || (kind === 'invalid-state' && !isLockTimeout(r))) return 'absent';
  throw new VirshCallError(r, `cannot undefine ${domain} on ${uri}`);
}

export async function resume(runner: VirshRunner, uri: string, domain: string): Promise<void> {
  const r = await resumeDomain(runner, uri, domain);
  const kind = classifyVirsh(r);
  if (kind && kind !== 'invalid-state') throw new VirshCallError(r, `cannot resume ${domain} on ${uri}`);
}

export async function dumpXml(runner: VirshRunner, uri: string, domain: string, inactive = false): Promise<string> {
  const r = await call(runner, uri, ['dumpxml', ...(inactive ? ['--inactive'] : []), '--', domain]);
  if (classifyVirsh(r)) throw new VirshCallError(r, `cannot read the XML of ${domain} on ${uri}`);
  return r.stdout;
}

/**
 * Make a running transient copy persistent by defining its own live XML, read with
 * --security-info so VNC/SPICE passwords survive, written through the shared layer's
 * private 0600 temp file.
 */
export async function definePersistent(runner: VirshRunner, uri: string, domain: string): Promise<void> {
  const lv = new Libvirt(runner, uri);
  await lv.define(await lv.dumpXml(domain, { securityInfo: true }));
}

/** Names of running (and paused) domains on a host, in libvirt's order. */
export async function listActive(runner: VirshRunner, uri: string): Promise<string[]> {
  const r = await call(runner, uri, ['list', '--name']);
  if (classifyVirsh(r)) throw new VirshCallError(r, `cannot list domains on ${uri}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}

/** Names of running domains only (evacuation leaves paused guests to the admin). */
export async function listRunning(runner: VirshRunner, uri: string): Promise<string[]> {
  const r = await call(runner, uri, ['list', '--name', '--state-running']);
  if (classifyVirsh(r)) throw new VirshCallError(r, `cannot list domains on ${uri}`);
  return r.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
}
