import { Xend2LibxlError, UsageError } from '../errors.js';
import type { CliContext } from './context.js';
import { EXIT } from './exit-codes.js';

/**
 * Print an error the way field tools do and pick the exit code:
 * `FILE:LINE:COL: error: MESSAGE` for errors with a source position,
 * `xend2libxl: error: MESSAGE` otherwise, then an optional `hint:` line.
 * Stack traces only with --debug.
 */
export function reportError(err: unknown, ctx: CliContext, debug: boolean): number {
  if (err instanceof Xend2LibxlError) {
    const where = err.file && err.position ? `${err.file}:${err.position.line}:${err.position.column}: ` : err.file ? `${err.file}: ` : 'xend2libxl: ';
    ctx.stderr.write(`${where}error: ${err.message}\n`);
    if (err.hint) ctx.stderr.write(`hint: ${err.hint}\n`);
    if (debug && err.stack) ctx.stderr.write(`${err.stack}\n`);
    return err instanceof UsageError ? EXIT.USAGE : EXIT.FAILED;
  }
  const message = err instanceof Error ? err.message : String(err);
  ctx.stderr.write(`xend2libxl: error: ${message}\n`);
  if (debug && err instanceof Error && err.stack) ctx.stderr.write(`${err.stack}\n`);
  else ctx.stderr.write('hint: this is unexpected; re-run with --debug and report it\n');
  return EXIT.FAILED;
}
