/**
 * Problems that only show when entries are compared with each other. libvirt
 * keys domains by name and uuid, so a duplicate makes the second `define`
 * replace or clash with the first; a MAC or a writable disk used twice breaks
 * the network or the filesystem as soon as both guests run.
 */
import path from 'node:path';
import { INVENTORY_CODES as C, statusOf, type InventoryEntry, type Problem } from './types.js';

export function addCrossChecks(entries: InventoryEntry[]): void {
  const label = (e: InventoryEntry) => `${e.name ?? '?'} (${e.directoryUuid})`;

  duplicates(entries, (e) => (e.name ? [e.name] : []), (e, others) => ({
    code: C.DUPLICATE_NAME,
    severity: 'error',
    message: `name '${e.name}' is also used by ${others.map(label).join(', ')}; libvirt needs unique names — rename one before defining`,
  }));
  duplicates(entries, (e) => (e.uuid ? [e.uuid] : []), (e, others) => ({
    code: C.DUPLICATE_UUID,
    severity: 'error',
    message: `uuid ${e.uuid} is also used by ${others.map(label).join(', ')}; defining both would make one replace the other`,
  }));
  duplicates(entries, (e) => e.macs, (_e, others, mac) => ({
    code: C.DUPLICATE_MAC,
    severity: 'warning',
    message: `MAC ${mac} is also used by ${others.map(label).join(', ')}; the guests will fight over it when both run — give one a new MAC`,
  }));
  sharedWritableDisks(entries, label);

  for (const e of entries) e.status = statusOf(e.problems);
}

/** Add one problem per (entry, duplicated key) naming the other entries with that key. */
function duplicates(
  entries: InventoryEntry[],
  keysOf: (e: InventoryEntry) => string[],
  problem: (e: InventoryEntry, others: InventoryEntry[], key: string) => Problem,
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
    for (const e of list) e.problems.push(problem(e, list.filter((o) => o !== e), k));
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
    for (const u of list) {
      const others = list.filter((o) => o !== u).map((o) => `${label(o.entry)} as ${o.target}${o.writable ? ' (writable)' : ' (read-only)'}`);
      u.entry.problems.push({
        code: C.SHARED_DISK,
        severity: 'warning',
        message:
          `disk ${source} (${u.target}${u.writable ? ', writable' : ', read-only'}) is also used by ${others.join(', ')}; ` +
          'xend refused to run them together but libxl does not check: never start both, or give each its own copy',
      });
    }
  }
}
