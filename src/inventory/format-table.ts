/** Human rendering of an inventory: aligned table, then every problem in full, then one summary line. */
import { escapeControls, formatDiagnostic } from '../diagnostics.js';
import type { Inventory, InventoryEntry } from './types.js';

const HEADERS = ['NAME', 'UUID', 'TYPE', 'MEM', 'VCPUS', 'STATE', 'STATUS', 'PROBLEMS'] as const;

function row(e: InventoryEntry): string[] {
  const mem = e.memoryMiB === undefined ? '-' : e.maxMemoryMiB && e.maxMemoryMiB !== e.memoryMiB ? `${e.memoryMiB}/${e.maxMemoryMiB}M` : `${e.memoryMiB}M`;
  const codes = [...new Set(e.problems.map((p) => p.code))].join(',');
  // Names and uuids come from the configs (salvaged even from unparsable ones): never raw control characters.
  return [e.name ?? '?', e.uuid ?? e.directoryUuid, e.type ?? '-', mem, e.vcpus === undefined ? '-' : String(e.vcpus), e.state + (e.autostart ? '+auto' : ''), e.status, codes || '-'].map(escapeControls);
}

/** Where a domain came from, when xm configs were scanned too: `store` or the config's file name. */
function source(e: InventoryEntry): string {
  return e.source === 'xm-config' ? (e.path.split('/').pop() ?? e.path) : 'store';
}

export function formatInventoryTable(inv: Inventory): string {
  const withSource = (inv.summary.xmConfigs ?? 0) > 0;
  const headers: readonly string[] = withSource ? [...HEADERS.slice(0, -1), 'SOURCE', 'PROBLEMS'] : HEADERS;
  const rows = [headers, ...inv.domains.map((e) => (withSource ? [...row(e).slice(0, -1), escapeControls(source(e)), row(e).at(-1)!] : row(e)))];
  const widths = headers.map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const lines = rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  '));

  const details: string[] = [];
  for (const e of inv.domains) {
    for (const p of e.problems) details.push(formatDiagnostic({ ...p, file: e.path }));
  }
  const out = [...lines];
  if (details.length) out.push('', ...details);
  out.push('', summaryLine(inv));
  return out.join('\n') + '\n';
}

export function summaryLine(inv: Inventory): string {
  const s = inv.summary;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return (
    `${plural(s.domains, 'domain')} in ${s.root}: ${s.ok} ok, ${s.warning} with warnings, ${s.error} with errors` +
    ` (${s.pv} PV, ${s.hvm} HVM, ${s.autostart} autostart, ${s.suspended} suspended)` +
    (!s.xmConfigs ? '' : `; ${plural(s.xmConfigs ?? 0, 'domain')} of these from xm/xl configs in ${s.xmConfigDir}`)
  );
}
