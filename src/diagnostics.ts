/**
 * Warnings: things the conversion or inventory found that the user must know
 * about but that do not stop the job (unless `--strict`). Every warning has a
 * stable code documented in docs/warnings.md.
 */
export interface Diagnostic {
  code: string;
  message: string;
  severity: 'warning' | 'error';
  file?: string;
  line?: number;
  column?: number;
}

/** `PATH:LINE:COL: warning[CODE]: message` — the format compilers and editors understand. */
export function formatDiagnostic(d: Diagnostic, fallbackFile = '<input>'): string {
  const file = d.file ?? fallbackFile;
  const where = d.line !== undefined ? `${file}:${d.line}:${d.column ?? 1}` : file;
  const tag = d.severity === 'warning' ? `warning[${d.code}]` : `error[${d.code}]`;
  return `${where}: ${tag}: ${d.message}`;
}
