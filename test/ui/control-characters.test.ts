/**
 * Issue 13 item 3 at the places where text is rendered for the terminal and
 * the log: the diagnostic formatter, the reporter (every message, terminal and
 * --log-file alike) and the error printer. Whatever a value carries, no raw
 * control character is printed and no line can be forged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { reportError } from '../../src/cli/report-error.js';
import { escapeControls, formatDiagnostic } from '../../src/diagnostics.js';
import { Xend2LibxlError } from '../../src/errors.js';
import { openLogFile } from '../../src/ui/log-file.js';
import { createReporter } from '../../src/ui/reporter.js';
import { useTempDirs } from '../batch/fixture-paths.js';

const tmp = useTempDirs();
const FORGE = 'x\x1b[31m\r\nconfig.sxp:1:1: error[FORGED]: pwned\u202e\x9b2J';
const RAW = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u202e]/;

function capture(): { ctx: CliContext; err: () => string } {
  let err = '';
  return { ctx: { stdout: { write: () => true }, stderr: { write: (s: string) => (err += s) }, env: {}, cwd: '/', exitCode: 0 }, err: () => err };
}

describe('escapeControls', () => {
  it('shows control characters as escapes and keeps everything printable', () => {
    expect(escapeControls(FORGE)).toBe('x\\x1b[31m\\r\\nconfig.sxp:1:1: error[FORGED]: pwned\\u202e\\x9b2J');
    expect(escapeControls('/var/lib/xen/images/web 1-é.img')).toBe('/var/lib/xen/images/web 1-é.img');
  });
});

describe('formatDiagnostic', () => {
  it('is one line whatever the message, file or code carry', () => {
    const line = formatDiagnostic({ code: 'UNKNOWN_KEY', severity: 'warning', message: `unknown key '${FORGE}'`, file: `a${FORGE}.sxp`, line: 3, column: 4 });
    expect(line).not.toMatch(RAW);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^ax\\x1b\[31m\\r\\nconfig\.sxp:1:1: error\[FORGED\]: pwned\\u202e\\x9b2J\.sxp:3:4: warning\[UNKNOWN_KEY\]: unknown key 'x\\x1b/);
  });
});

describe('reporter', () => {
  it('escapes every message; our own multi-line messages stay multi-line but no value starts a line', () => {
    const { ctx, err } = capture();
    const r = createReporter(ctx, { mode: 'plain', now: () => new Date(0) });
    r.warn(`disk ${FORGE}`);
    r.info(`shutting down ${FORGE}`);
    r.step(FORGE).fail(FORGE);
    r.progress(FORGE).done(FORGE);
    expect(err()).not.toMatch(RAW);
    // A newline inside a message continues it on an indented line: nothing a value carries starts a line.
    for (const line of err().split('\n').filter(Boolean)) expect(line).toMatch(/^(warning: |00:00:00 |  )/);
    expect(err()).toContain('\n  config.sxp:1:1: error[FORGED]');
  });

  it('the --log-file copy is escaped the same way', () => {
    const file = path.join(tmp(), 'x.log');
    const log = openLogFile(file, '/');
    const { ctx } = capture();
    createReporter(ctx, { mode: 'silent', log }).warn(`disk ${FORGE}`);
    log.close();
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(RAW);
    expect(text).toMatch(/WARN  disk x\\x1b\[31m\\r\n {30,}config\.sxp:1:1: error\[FORGED\]/);
  });
});

describe('reportError', () => {
  it('escapes the file, message and hint of a positioned error and of a plain one', () => {
    const a = capture();
    reportError(new Xend2LibxlError('SXP_X', `bad '${FORGE}'`, { file: `f${FORGE}`, position: { line: 1, column: 2, offset: 0 }, hint: FORGE }), a.ctx, false);
    const b = capture();
    reportError(new Xend2LibxlError('X', `bad '${FORGE}'`, { file: FORGE, hint: FORGE }), b.ctx, false);
    const c = capture();
    reportError(Object.assign(new Error(`EACCES ${FORGE}`), { path: FORGE }), c.ctx, false);
    for (const out of [a.err(), b.err(), c.err()]) {
      expect(out).not.toMatch(RAW);
      for (const line of out.split('\n').filter(Boolean)) expect(line).toMatch(/^(f.*:1:2: error\[SXP_X\]: |xend2libxl: error: |hint: )/);
    }
  });
});
