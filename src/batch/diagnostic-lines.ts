/** A result's diagnostics as `PATH:LINE:COL: warning[CODE]: message` lines (stderr, JUnit failure text). */
import { escapeControls, formatDiagnostic } from '../diagnostics.js';
import type { InputResult } from './types.js';

export function diagnosticLines(r: InputResult): string[] {
  const lines = r.warnings.map((w) => formatDiagnostic({ ...w, severity: 'warning', file: r.source }));
  if (r.error) {
    lines.push(formatDiagnostic({ ...r.error, severity: 'error', file: r.source }));
    if (r.error.hint) lines.push(`hint: ${escapeControls(r.error.hint)}`);
  }
  return lines;
}
