import { Xend2LibxlError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';
import { palette, shouldUseColor } from '../ui/color.js';
import { escapeControls } from '../diagnostics.js';

/**
 * Print an error and pick the exit code. An error at a position in a file is printed like
 * a compiler's, matching our warnings:
 *
 *   /var/lib/xend/domains/…/config.sxp:12:7: error: unterminated string
 *   hint: the file is truncated; restore it from a backup
 *
 * anything else the way field tools (virsh, virt-v2v, xl) do — what, then where, then what to do:
 *
 *   xend2libxl: error: cannot read backup manifest (/root/backup/manifest.json)
 * Stack traces only with --debug. Colour follows NO_COLOR/FORCE_COLOR/--no-color.
 */
export function reportError(err: unknown, ctx: CliContext, debug: boolean, color?: boolean): number {
  const c = palette(shouldUseColor({ env: ctx.env, stream: ctx.stderr, flag: color }));
  // Messages quote values from configs, journals and virsh: control characters in them are shown
  // escaped, so none can recolour the terminal or forge a line (diagnostics.ts).
  const e = escapeControls;
  const say = (what: string, where?: string, hint?: string) => {
    ctx.stderr.write(`xend2libxl: ${c.red(c.bold('error:'))} ${e(what)}${where ? ` (${e(where)})` : ''}\n`);
    if (hint) ctx.stderr.write(`${c.cyan('hint:')} ${e(hint)}\n`);
  };
  if (isPromptCancel(err)) {
    // Ctrl-C at a prompt: nothing was started, so nothing needs undoing.
    ctx.stderr.write('xend2libxl: cancelled; nothing was changed\n');
    return EXIT.INTERRUPTED;
  }
  if (err instanceof Xend2LibxlError) {
    if (err.file && err.position) {
      // An error at a place in a file reads like a compiler's (`PATH:LINE:COL: error: …`), the
      // same shape as our warnings, so editors and CI annotators can jump to it.
      ctx.stderr.write(`${e(err.file)}:${err.position.line}:${err.position.column}: ${c.red(c.bold(`error[${e(err.code)}]:`))} ${e(err.message)}\n`);
      if (err.hint) ctx.stderr.write(`${c.cyan('hint:')} ${e(err.hint)}\n`);
    } else say(err.message, err.file, err.hint);
    if (debug && err.stack) ctx.stderr.write(`${err.stack}\n`);
    return err instanceof UsageError ? EXIT.USAGE : EXIT.FAILED;
  }
  const syscall = err as NodeJS.ErrnoException;
  const known = SYSTEM_ERRORS[syscall?.code ?? ''];
  // A system error from a path we were given: say it in words (never Node's `ENOENT: no such file or
  // directory, open '…'`), with the path as the "where" and what to do.
  const message = known && typeof syscall.path === 'string' ? `${known[0]} (${syscall.code})` : err instanceof Error ? err.message : String(err);
  const where = typeof syscall?.path === 'string' && !message.includes(syscall.path) ? syscall.path : undefined;
  const hint = known && where ? known[1] : 'this is unexpected; re-run with --debug and report it';
  say(message, where, debug ? undefined : hint);
  if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
  return EXIT.FAILED;
}

/** System errors on a path, in words, with what to do. */
const SYSTEM_ERRORS: Record<string, [string, string]> = {
  ENOENT: ['no such file or directory', 'check the path'],
  ENOTDIR: ['a part of the path is not a directory', 'check the path'],
  EISDIR: ['is a directory, a file was expected', 'name a file'],
  EACCES: ['permission denied', 'run as root, or check the permissions of the path'],
  EPERM: ['operation not permitted', 'run as root, or check the permissions of the path'],
  ENOSPC: ['no space left on the device', 'free some space, then run again'],
  EROFS: ['read-only file system', 'choose a path on a writable file system'],
  EEXIST: ['already exists', 'remove it or choose another path'],
};

/** @inquirer/prompts rejects with these on Ctrl-C / abort; matched by name so the CLI need not load inquirer. */
export function isPromptCancel(err: unknown): boolean {
  return err instanceof Error && (err.name === 'ExitPromptError' || err.name === 'AbortPromptError');
}
