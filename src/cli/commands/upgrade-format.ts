/** Human output of `upgrade`: one line per domain (state and next step), then warnings and what to do next. */
import { escapeControls } from '../../diagnostics.js';
import type { UpgradeReport } from '../../upgrade/report.js';

export function formatUpgradeReport(r: UpgradeReport): string {
  const out: string[] = [];
  if (r.action === 'dry-run') {
    out.push(`Dry run: ${r.domains.length} domain(s) from ${r.xendRoot ?? '-'} to ${r.to}${r.from ? ` (source ${r.from})` : ''}; nothing was changed.`);
    for (const d of r.domains) {
      out.push('', `${d.name}${d.uuid ? ` (${d.uuid})` : ''} [${d.origin}${d.entry ? ` ${d.entry}` : ''}]${d.wasRunning ? ' running' : ''}`);
      (d.plannedSteps ?? []).forEach((s, i) => out.push(`  ${i + 1}. ${s}`));
      for (const w of d.warnings) out.push(`  warning[${w.code}]: ${w.message}`);
    }
  } else {
    const rows = r.domains.map((d) => [d.name, d.origin, d.status, d.step, d.next ?? (d.status === 'done' ? '' : '-')]);
    const head = ['DOMAIN', 'ORIGIN', 'STATUS', 'STEP', 'NEXT'];
    const widths = head.map((h, i) => Math.min(40, Math.max(h.length, ...rows.map((row) => row[i].length))));
    const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
    out.push(fmt(head), ...rows.map(fmt));
    for (const d of r.domains) {
      if (d.error) out.push(`${d.name}: error[${d.error.code}]: ${d.error.message}`, ...(d.error.hint ? [`  hint: ${d.error.hint}`] : []));
    }
    if (r.action === 'upgrade') for (const d of r.domains) for (const w of d.warnings) out.push(`${d.name}: warning[${w.code}]: ${w.message}`);
    if (r.switch && r.switch.state !== 'not-needed') out.push(`toolstack switch: ${r.switch.state}${r.switch.detail ? ` (${r.switch.detail})` : ''}`);
  }
  for (const w of r.warnings) out.push(`warning[${w.code}]: ${w.message}${w.hint ? ` (${w.hint})` : ''}`);
  const c = r.counts;
  if (r.action !== 'dry-run') out.push(`${c.total} domain(s): ${c.done} done, ${c.failed} failed, ${c.held} held${c['rolled-back'] ? `, ${c['rolled-back']} rolled back` : ''}${c['in-progress'] ? `, ${c['in-progress']} waiting` : ''}`);
  if (r.next) out.push(`next: ${r.next}`);
  // Names, paths and messages come from configs and virsh: one element of `out` is one line, and
  // a control character inside it (an ESC sequence, a newline forging a line) is shown escaped.
  return `${out.map(escapeControls).join('\n')}\n`;
}
