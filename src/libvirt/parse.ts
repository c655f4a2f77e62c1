/**
 * Parsers for virsh's plain-text answers (LC_ALL=C). Pure functions, so the
 * unit tests feed them real virsh output.
 */

/** virsh's state words (virshDomainStateToString), lower-case as printed. */
export const DOMAIN_STATES = ['no state', 'running', 'idle', 'paused', 'in shutdown', 'shut off', 'crashed', 'pmsuspended'] as const;
export type DomainStateName = (typeof DOMAIN_STATES)[number];

export interface DomainState {
  state: DomainStateName;
  /** The reason virsh prints in parentheses (`shutdown`, `booted`, `migrated`, `destroyed`, …); `unknown` when none. */
  reason: string;
}

/** `running (booted)`, `shut off (shutdown)`, `shut off`. */
export function parseDomState(stdout: string): DomainState {
  const line = stdout.trim().split('\n')[0]?.trim() ?? '';
  const m = /^(.*?)(?:\s+\(([^)]*)\))?$/.exec(line);
  const state = m?.[1] as DomainStateName | undefined;
  if (!m || !state || !(DOMAIN_STATES as readonly string[]).includes(state)) {
    throw new Error(`unexpected domstate output: ${JSON.stringify(stdout)}`);
  }
  return { state, reason: m[2] ?? 'unknown' };
}

/** `Key:   value` lines (dominfo, nodeinfo); keys as printed, values trimmed. */
export function parseKeyValues(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out.set(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  return out;
}

/** dominfo's `Autostart: enable|disable`. */
export function parseAutostart(dominfo: string): boolean {
  const v = parseKeyValues(dominfo).get('Autostart');
  if (v === 'enable') return true;
  if (v === 'disable') return false;
  throw new Error(`dominfo has no Autostart line: ${JSON.stringify(dominfo)}`);
}

export interface ListedDomain {
  name: string;
  uuid: string;
  /** Runtime id, null when inactive. */
  id: number | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `list --uuid --id --name` lines: `UUID ID NAME` where ID is `-` when inactive and NAME may hold spaces. */
export function parseUuidIdNameLines(text: string): ListedDomain[] {
  const out: ListedDomain[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/^\s+/, '');
    if (line.trim() === '') continue;
    const m = /^(\S+)\s+(-|\d+)\s(.*)$/.exec(line);
    if (!m || !UUID.test(m[1])) throw new Error(`unexpected virsh list line: ${JSON.stringify(raw)}`);
    out.push({ uuid: m[1].toLowerCase(), id: m[2] === '-' ? null : Number(m[2]), name: m[3].replace(/^\s+/, '') });
  }
  return out;
}

/** `list --uuid` lines. */
export function parseUuidLines(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    if (!UUID.test(line)) throw new Error(`unexpected virsh list --uuid line: ${JSON.stringify(raw)}`);
    out.add(line.toLowerCase());
  }
  return out;
}

/** `Domain 'NAME' defined from FILE` → NAME. */
export function parseDefinedName(stdout: string, file: string): string | undefined {
  const line = stdout.trim().split('\n')[0] ?? '';
  const suffix = `' defined from ${file}`;
  if (line.startsWith("Domain '") && line.endsWith(suffix)) return line.slice("Domain '".length, line.length - suffix.length);
  return undefined;
}

export function isUuid(s: string): boolean {
  return UUID.test(s);
}
