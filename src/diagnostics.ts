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

/**
 * `PATH:LINE:COL: warning[CODE]: message` — the format compilers and editors
 * understand. Always exactly one line: messages quote values from configs (keys,
 * disk paths, lifecycle values), and a value carrying ESC sequences or a newline
 * must not recolour the terminal or forge a line of its own.
 */
export function formatDiagnostic(d: Diagnostic, fallbackFile = '<input>'): string {
  const file = escapeControls(d.file ?? fallbackFile);
  const where = d.line !== undefined ? `${file}:${d.line}:${d.column ?? 1}` : file;
  const code = escapeControls(d.code);
  const tag = d.severity === 'warning' ? `warning[${code}]` : `error[${code}]`;
  return `${where}: ${tag}: ${escapeControls(d.message)}`;
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Control characters made visible: C0 (newline and ESC included), DEL, C1, the
 * line/paragraph separators and the bidirectional overrides (which reorder what
 * a terminal shows) become `\n`, `\x1b`, `\u202e`. Everything printable is kept
 * as it is, so paths and names stay readable.
 */
export function escapeControls(s: string): string {
  // eslint-disable-next-line no-control-regex
  return CONTROLS.test(s) ? s.replace(CONTROLS_G, (c) => NAMED[c] ?? hexEscape(c)) : s;
}

/** {@link escapeControls} for our own multi-line texts: newlines stay, each following line is indented, so no value can start a line. */
export function escapeControlsKeepLines(s: string): string {
  return s
    .split('\n')
    .map((l, i) => (i === 0 ? escapeControls(l) : `  ${escapeControls(l)}`))
    .join('\n');
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const CONTROLS_G = new RegExp(CONTROLS.source, 'g');

function hexEscape(c: string): string {
  const n = c.charCodeAt(0);
  return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
}
