import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../src/cli/context.js';
import { reportError } from '../../src/cli/report-error.js';
import { UsageError, Xend2LibxlError } from '../../src/errors.js';

function ctx(env: NodeJS.ProcessEnv = {}, tty = false) {
  let err = '';
  const c: CliContext = { stdout: { write: () => 0 }, stderr: { write: (s: string) => (err += s), isTTY: tty }, env, cwd: '/', exitCode: 0 };
  return { c, err: () => err };
}

describe('reportError', () => {
  it('an error at a file position reads like a compiler error, then a hint; exit 1', () => {
    const { c, err } = ctx();
    const e = new Xend2LibxlError('SXP_UNTERMINATED_STRING', 'unterminated string', {
      file: '/var/lib/xend/domains/abc/config.sxp',
      position: { line: 12, column: 7, offset: 200 },
      hint: 'the file looks truncated; restore it from a backup',
    });
    expect(reportError(e, c, false)).toBe(1);
    expect(err()).toBe(
      '/var/lib/xend/domains/abc/config.sxp:12:7: error[SXP_UNTERMINATED_STRING]: unterminated string\nhint: the file looks truncated; restore it from a backup\n',
    );
  });

  it('an error about a whole file says what, then where', () => {
    const { c, err } = ctx();
    expect(reportError(new Xend2LibxlError('BACKUP_NOT_OURS', 'backup directory is not ours', { file: '/root/b' }), c, false)).toBe(1);
    expect(err()).toBe('xend2libxl: error: backup directory is not ours (/root/b)\n');
  });

  it('usage errors exit 2 and carry no stack without --debug', () => {
    const { c, err } = ctx();
    expect(reportError(new UsageError('--parallel must be between 1 and 64, got 0', 'try --parallel 4'), c, false)).toBe(2);
    expect(err()).toBe('xend2libxl: error: --parallel must be between 1 and 64, got 0\nhint: try --parallel 4\n');
  });

  it('system errors on a path: in words, the path as where, what to do; stack only with --debug (issue 13 item 19)', () => {
    const e = Object.assign(new Error("EACCES: permission denied, open '/root/backup'"), { code: 'EACCES', path: '/root/backup', syscall: 'open' });
    const plain = ctx();
    reportError(e, plain.c, false);
    expect(plain.err()).toBe('xend2libxl: error: permission denied (EACCES) (/root/backup)\nhint: run as root, or check the permissions of the path\n');
    const missing = ctx();
    reportError(Object.assign(new Error("ENOENT: no such file or directory, open '/nonexistent.sxp'"), { code: 'ENOENT', path: '/nonexistent.sxp' }), missing.c, false);
    expect(missing.err()).toBe('xend2libxl: error: no such file or directory (ENOENT) (/nonexistent.sxp)\nhint: check the path\n');
    const debug = ctx();
    reportError(e, debug.c, true);
    expect(debug.err()).toMatch(/^xend2libxl: error: permission denied \(EACCES\) \(\/root\/backup\)\nError: EACCES[^\n]*\n\s+at /);
  });

  it('anything else unexpected: the message and a report hint', () => {
    const plain = ctx();
    reportError(new TypeError('x is undefined'), plain.c, false);
    expect(plain.err()).toBe('xend2libxl: error: x is undefined\nhint: this is unexpected; re-run with --debug and report it\n');
  });

  it('Ctrl-C at a prompt exits 130 saying nothing changed', () => {
    const { c, err } = ctx();
    const e = Object.assign(new Error('User force closed the prompt with SIGINT'), { name: 'ExitPromptError' });
    expect(reportError(e, c, false)).toBe(130);
    expect(err()).toBe('xend2libxl: cancelled; nothing was changed\n');
  });

  it('colours "error:" on a TTY unless NO_COLOR or --no-color', () => {
    const tty = ctx({}, true);
    reportError(new UsageError('bad'), tty.c, false);
    expect(tty.err()).toContain('\x1b[31m');
    const noColor = ctx({ NO_COLOR: '1' }, true);
    reportError(new UsageError('bad'), noColor.c, false);
    expect(noColor.err()).not.toContain('\x1b[');
    const flag = ctx({}, true);
    reportError(new UsageError('bad'), flag.c, false, false);
    expect(flag.err()).not.toContain('\x1b[');
  });
});
