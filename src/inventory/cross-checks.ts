/**
 * Problems that only show when entries are compared with each other. libvirt
 * keys domains by name and uuid, so a duplicate makes the second `define`
 * replace or clash with the first; a MAC or a writable disk used twice breaks
 * the network or the filesystem as soon as both guests run.
 */
import path from 'node:path';
import { INVENTORY_CODES as C, statusOf, type InventoryEntry, type Problem } from './types.js';

/** A healthy entry shares its name or uuid with an entry xend never loaded (truncated, uuid mismatch, …). */
export const BROKEN_COPY = 'INV_BROKEN_COPY';

export function addCrossChecks(all: InventoryEntry[]): void {
  const label = (e: InventoryEntry) => `${e.name ?? '?'} (${e.directoryUuid})`;
  // Entries that cannot be defined (xend skipped them too) have their own error and never block a healthy one:
  // they take no part in the duplicate, MAC and disk checks; a healthy namesake only gets a warning.
  const broken = all.filter((e) => e.problems.some((p) => p.severity === 'error'));
  const entries = all.filter((e) => !broken.includes(e));
  brokenCopies(entries, broken);

  duplicates(entries, (e) => (e.name ? [e.name] : []), label, (e, others) => ({
    code: C.DUPLICATE_NAME,
    severity: 'error',
    message: `name '${e.name}' is also used by ${others}; libvirt needs unique names — rename one before defining`,
  }));
  duplicates(entries, (e) => (e.uuid ? [e.uuid] : []), label, (e, others) => ({
    code: C.DUPLICATE_UUID,
    severity: 'error',
    message: `uuid ${e.uuid} is also used by ${others}; defining both would make one replace the other`,
  }));
  duplicates(entries, (e) => e.macs, label, (_e, others, mac) => ({
    code: C.DUPLICATE_MAC,
    severity: 'warning',
    message: `MAC ${mac} is also used by ${others}; the guests will fight over it when both run — give one a new MAC`,
  }));
  sharedWritableDisks(entries, label);

  for (const e of all) e.status = statusOf(e.problems);
}

function brokenCopies(healthy: InventoryEntry[], broken: InventoryEntry[]): void {
  if (broken.length === 0) return;
  const byKey = new Map<string, InventoryEntry[]>();
  for (const b of broken) for (const k of [b.name && `name:${b.name}`, b.uuid && `uuid:${b.uuid}`]) if (k) byKey.set(k, [...(byKey.get(k) ?? []), b]);
  for (const e of healthy) {
    const copies = [...new Set([...(e.name ? (byKey.get(`name:${e.name}`) ?? []) : []), ...(e.uuid ? (byKey.get(`uuid:${e.uuid}`) ?? []) : [])])];
    if (copies.length === 0) continue;
    const dirs = othersOf([e, ...copies], e, (c) => path.dirname(c.path));
    e.problems.push({
      code: BROKEN_COPY,
      severity: 'warning',
      message: `a broken copy in ${dirs} carries the same ${copies.some((c) => c.name === e.name) ? 'name' : 'uuid'}; xend never loaded it and the upgrade leaves it alone; this entry is the one upgraded`,
    });
  }
}

/**
 * At most this many other entries are named in one message. A key shared by
 * hundreds of entries (a fleet backup of cloned guests) would otherwise make
 * every message list all the others: quadratic time and output (10,000
 * entries from 20 templates made a JSON report longer than a string can be).
 */
export const MAX_NAMED_OTHERS = 5;

/** "a, b, c, d, e and 7 more": the entries of `list` other than `self`. */
function othersOf<T>(list: readonly T[], self: T, show: (t: T) => string): string {
  const named: string[] = [];
  for (const o of list) {
    if (named.length === MAX_NAMED_OTHERS) break;
    if (o !== self) named.push(show(o));
  }
  const rest = list.length - 1 - named.length;
  return rest > 0 ? `${named.join(', ')} and ${rest} more` : named.join(', ');
}

/** Add one problem per (entry, duplicated key) naming the other entries with that key. */
function duplicates(
  entries: InventoryEntry[],
  keysOf: (e: InventoryEntry) => string[],
  label: (e: InventoryEntry) => string,
  problem: (e: InventoryEntry, others: string, key: string) => Problem,
): void {
  const byKey = new Map<string, InventoryEntry[]>();
  for (const e of entries) {
    for (const k of new Set(keysOf(e))) {
      const list = byKey.get(k);
      if (list) list.push(e);
      else byKey.set(k, [e]);
    }
  }
  for (const [k, list] of byKey) {
    if (list.length < 2) continue;
    for (const e of list) e.problems.push(problem(e, othersOf(list, e, label), k));
  }
}

function sharedWritableDisks(entries: InventoryEntry[], label: (e: InventoryEntry) => string): void {
  const users = new Map<string, { entry: InventoryEntry; writable: boolean; target: string }[]>();
  for (const e of entries) {
    for (const d of e.disks) {
      if (!d.source) continue;
      const key = path.posix.normalize(d.source);
      const list = users.get(key) ?? [];
      if (list.some((u) => u.entry === e)) continue;
      list.push({ entry: e, writable: d.mode !== 'r', target: d.target });
      users.set(key, list);
    }
  }
  for (const [source, list] of users) {
    if (list.length < 2 || !list.some((u) => u.writable)) continue;
    const show = (o: (typeof list)[number]) => `${label(o.entry)} as ${o.target}${o.writable ? ' (writable)' : ' (read-only)'}`;
    for (const u of list) {
      const others = othersOf(list, u, show);
      u.entry.problems.push({
        code: C.SHARED_DISK,
        severity: 'warning',
        message:
          `disk ${source} (${u.target}${u.writable ? ', writable' : ', read-only'}) is also used by ${others}; ` +
          'xend refused to run them together but libxl does not check: never start both, or give each its own copy',
      });
    }
  }
}
