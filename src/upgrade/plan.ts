/**
 * Step "planned": which domains to upgrade and from where. xend entries come
 * from the xend root (already converted); with --from, the old driver's list
 * tells which of them run now, and which running domains have no config.sxp
 * (created with `xm create`) — taken only with --include-unmanaged.
 */
import type { JournalDomain, JournalProblem } from './journal.js';
import type { ListedDomain, XendEntry } from './ports.js';
import { limitSharedWritableDisks } from './shared-disks.js';

export interface PlannedDomain {
  journal: JournalDomain;
  entry?: XendEntry;
  /** Name of the domain on --from, when it is there. */
  fromName?: string;
}

export interface Plan {
  domains: PlannedDomain[];
  /** Plan-level warnings (e.g. unmanaged domains left out). */
  warnings: JournalProblem[];
}

const ACTIVE = new Set(['running', 'idle', 'blocked', 'paused', 'in shutdown', 'pmsuspended']);
export function isActive(state: string): boolean {
  return ACTIVE.has(state);
}

/** `only`: names or uuids the admin limited the upgrade to (empty = everything). */
/** `autostartChoice`: --autostart NAME, the domain of a shared-writable-disk group that may run (see shared-disks.ts). */
export function buildPlan(allEntries: XendEntry[], allFrom: ListedDomain[] | undefined, includeUnmanaged: boolean, only: readonly string[] = [], autostartChoice: readonly string[] = []): Plan {
  const warnings: JournalProblem[] = [];
  const wanted = new Set(only.map((o) => o.toLowerCase()));
  const pick = (name?: string, id?: string) => wanted.size === 0 || (name !== undefined && (wanted.has(name.toLowerCase()) || only.includes(name))) || (id !== undefined && wanted.has(id.toLowerCase()));
  const entries = allEntries.filter((e) => pick(e.name, e.uuid) || pick(undefined, e.entry));
  const fromDomains = allFrom?.filter((d) => pick(d.name, d.uuid) || entries.some((e) => (e.uuid && e.uuid === d.uuid.toLowerCase()) || e.name === d.name));
  const found = new Set([...entries.flatMap((e) => [e.name, e.uuid, e.entry]), ...(fromDomains ?? []).flatMap((d) => [d.name, d.uuid.toLowerCase()])].filter((x): x is string => x !== undefined).map((x) => x.toLowerCase()));
  for (const o of only) {
    if (!found.has(o.toLowerCase())) warnings.push({ code: 'DOMAIN_NOT_FOUND', message: `--domain ${o} matches no xend entry${allFrom ? ' and no domain on the source' : ''}` });
  }
  const byUuid = new Map((fromDomains ?? []).map((d) => [d.uuid.toLowerCase(), d]));
  const byName = new Map((fromDomains ?? []).map((d) => [d.name, d]));
  const matched = new Set<ListedDomain>();
  const domains: PlannedDomain[] = entries.map((entry) => {
    const on = (entry.uuid && byUuid.get(entry.uuid)) || (entry.name ? byName.get(entry.name) : undefined);
    if (on) matched.add(on);
    const name = entry.name ?? entry.entry;
    const journal = blankDomain({
      id: entry.uuid ?? `entry:${entry.entry}`,
      name,
      uuid: entry.uuid,
      origin: 'xend',
      entry: entry.entry,
      wasRunning: on ? isActive(on.state) : false,
      autostart: entry.model?.autostart ?? false,
      warnings: entry.warnings.map((w) => ({ code: w.code, message: w.line ? `${w.file ?? entry.configPath}:${w.line}:${w.column ?? 1}: ${w.message}` : w.message })),
    });
    if (entry.errors.length > 0 || !entry.xml) {
      const first = entry.errors[0] ?? { code: 'CONVERSION_FAILED', message: 'the configuration could not be converted' };
      journal.status = 'failed';
      journal.error = { ...first, hint: `fix ${entry.configPath} (or define this domain by hand); the xend root is never modified by this tool` };
      journal.next = 'not upgraded: see the error; other domains are unaffected';
    }
    if (on) journal.fromName = on.name;
    return { journal, entry, fromName: on?.name };
  });
  markDuplicates(domains);
  limitSharedWritableDisks(domains, autostartChoice, warnings);
  for (const d of fromDomains ?? []) {
    if (matched.has(d)) continue;
    if (!includeUnmanaged) {
      warnings.push({ code: 'UNMANAGED_SKIPPED', message: `domain ${d.name} (${d.state}) on the source has no config.sxp and is left alone`, hint: 'add --include-unmanaged to take it from its libvirt XML' });
      continue;
    }
    domains.push({
      journal: blankDomain({ id: d.uuid.toLowerCase(), name: d.name, uuid: d.uuid.toLowerCase(), origin: 'unmanaged', wasRunning: isActive(d.state), autostart: false, warnings: [] }, d.name),
      fromName: d.name,
    });
  }
  return { domains, warnings };
}

/** libvirt holds one definition per name and per uuid: two xend entries claiming one cannot both be upgraded. */
function markDuplicates(domains: PlannedDomain[]): void {
  for (const key of ['name', 'uuid'] as const) {
    const seen = new Map<string, PlannedDomain[]>();
    for (const d of domains) {
      const v = d.journal[key];
      if (d.journal.status === 'failed' || !v) continue;
      seen.set(v, [...(seen.get(v) ?? []), d]);
    }
    for (const [v, list] of seen) {
      if (list.length < 2) continue;
      for (const d of list) {
        d.journal.status = 'failed';
        d.journal.error = {
          code: key === 'name' ? 'DUPLICATE_NAME' : 'DUPLICATE_UUID',
          message: `${list.length} xend entries share the ${key} ${v} (${list.map((x) => x.journal.entry).join(', ')})`,
          hint: 'libvirt can hold only one of them; remove the stale entry from consideration by defining the right one by hand',
        };
        d.journal.next = 'not upgraded: resolve the duplicate';
      }
    }
  }
  // Ids must be unique in the journal even for failed duplicates.
  const ids = new Map<string, number>();
  for (const d of domains) {
    const n = ids.get(d.journal.id) ?? 0;
    ids.set(d.journal.id, n + 1);
    if (n > 0) d.journal.id = `${d.journal.id}#${n}`;
  }
}

function blankDomain(p: Pick<JournalDomain, 'id' | 'name' | 'uuid' | 'origin' | 'wasRunning' | 'autostart' | 'warnings'> & { entry?: string }, fromName?: string): JournalDomain {
  return {
    ...p,
    ...(fromName ? { fromName } : {}),
    step: 'planned',
    status: 'in-progress',
    stoppedByUs: false,
    definedByUs: false,
    startedByUs: false,
    autostartSetByUs: false,
    history: [],
  };
}
