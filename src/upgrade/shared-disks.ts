/**
 * xend refused to run two domains on one writable disk; libvirt does not
 * check, so after an upgrade both would boot with the host and corrupt it.
 * Within each group of planned domains that share a writable (not
 * `shareable`) disk, at most one is started or autostarted by the upgrade:
 * the one the admin names with `--autostart NAME`, else the one xend had
 * running, else none. The others are defined but neither started nor
 * autostarted, and the plan says so.
 */
import path from 'node:path';
import type { JournalProblem } from './journal.js';
import type { PlannedDomain } from './plan.js';

export function limitSharedWritableDisks(domains: PlannedDomain[], choice: readonly string[], warnings: JournalProblem[]): void {
  const groups = groupBySharedDisk(domains.filter((p) => p.journal.status !== 'failed'));
  const used = new Set<string>();
  for (const { members, disks } of groups) {
    const label = (p: PlannedDomain) => p.journal.name;
    const picked = members.filter((p) => choice.some((c) => c === p.journal.name || c.toLowerCase() === p.journal.uuid));
    picked.forEach((p) => used.add(p.journal.name));
    const running = members.filter((p) => p.journal.wasRunning);
    const chosen = picked.length === 1 ? picked[0] : picked.length === 0 && running.length === 1 ? running[0] : undefined;
    const why = picked.length > 1 ? `--autostart names ${picked.map(label).join(' and ')}, which share it` : picked.length === 1 ? `${label(chosen!)} was chosen with --autostart` : chosen ? `${label(chosen)} was the one running under xend` : 'none of them was running under xend';
    const disk = disks.join(', ');
    for (const p of members) {
      if (p === chosen) continue;
      const others = members.filter((o) => o !== p).map(label).join(', ');
      p.journal.startBlockedBy = `shares the writable disk ${disk} with ${others}; ${why}`;
      p.journal.warnings.push({ code: 'SHARED_WRITABLE_DISK', message: `not started and no autostart: ${p.journal.startBlockedBy}` });
    }
    warnings.push({
      code: 'SHARED_WRITABLE_DISK',
      message: `${members.map(label).join(', ')} share the writable disk ${disk}: ${chosen ? `only ${label(chosen)} may be started or autostarted` : 'none of them is started or autostarted'} (${why})`,
      hint: 'choose the one that runs with --autostart NAME',
    });
  }
  for (const c of choice) {
    if (!used.has(c) && !domains.some((p) => used.has(p.journal.name) && c.toLowerCase() === p.journal.uuid)) {
      warnings.push({ code: 'AUTOSTART_NOT_SHARED', message: `--autostart ${c} names no domain that shares a writable disk with another; it changes nothing` });
    }
  }
}

/** Connected groups (two or more domains) over shared writable disks, with the disks they share. */
function groupBySharedDisk(domains: PlannedDomain[]): { members: PlannedDomain[]; disks: string[] }[] {
  const byDisk = new Map<string, PlannedDomain[]>();
  for (const p of domains) {
    for (const d of p.entry?.model?.disks ?? []) {
      if (!d.source || d.readonly || d.shareable || d.device !== 'disk') continue;
      const key = path.posix.normalize(d.source);
      const list = byDisk.get(key) ?? [];
      if (!list.includes(p)) list.push(p);
      byDisk.set(key, list);
    }
  }
  // Union-find over the domains: one group per connected set.
  const parent = new Map<PlannedDomain, PlannedDomain>();
  const find = (p: PlannedDomain): PlannedDomain => {
    const q = parent.get(p) ?? p;
    if (q === p) return p;
    const r = find(q);
    parent.set(p, r);
    return r;
  };
  for (const list of byDisk.values()) for (const p of list.slice(1)) parent.set(find(p), find(list[0]));
  const groups = new Map<PlannedDomain, { members: PlannedDomain[]; disks: string[] }>();
  for (const [disk, list] of byDisk) {
    if (list.length < 2) continue;
    const root = find(list[0]);
    const g = groups.get(root) ?? { members: [], disks: [] };
    g.disks.push(disk);
    for (const p of list) if (!g.members.includes(p)) g.members.push(p);
    groups.set(root, g);
  }
  return [...groups.values()];
}
