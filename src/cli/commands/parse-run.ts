/** The body of `xend2libxl parse`, loaded only when the command runs (see parse.ts). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { reportError } from '../report-error.js';
import { Xend2LibxlError } from '../../errors.js';
import type { ParseCliOptions } from './parse.js';

export async function runParse(files: string[], opts: ParseCliOptions, ctx: CliContext, debug = false): Promise<number> {
  // Loaded here so that other commands do not pay for building the grammar.
  const { parseSxp, toPlain, writeSxp } = await import('../../sxp/index.js');
  let code: number = EXIT.OK;
  for (const file of files) {
    try {
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path.resolve(ctx.cwd, file));
      } catch (e) {
        throw unreadable(e as NodeJS.ErrnoException, file);
      }
      const doc = parseSxp(bytes, { file });
      if (opts.json) ctx.stdout.write(JSON.stringify(doc.forms.map(toPlain)) + '\n');
      else ctx.stdout.write((files.length > 1 ? `# ${file}\n` : '') + writeSxp(doc, { width: opts.width }));
    } catch (e) {
      code = e instanceof Xend2LibxlError && e.file !== undefined ? reportFileError(e, ctx, debug) : reportError(e, ctx, debug);
    }
  }
  return code;
}

function unreadable(e: NodeJS.ErrnoException, file: string): Xend2LibxlError {
  const reasons: Record<string, [string, string | undefined]> = {
    ENOENT: ['no such file', undefined],
    EISDIR: ['is a directory', 'name the config.sxp files inside it'],
    EACCES: ['permission denied', 'xend stored config.sxp as root-only (0600); run as root'],
  };
  const [reason, hint] = reasons[e.code ?? ''] ?? [e.message, undefined];
  return new Xend2LibxlError('FILE_UNREADABLE', `cannot read file: ${reason}`, { file, hint, cause: e });
}

/**
 * Issue 2 fixes the compiler format for syntax errors, `PATH:LINE:COL: error: MESSAGE`,
 * so editors and CI annotators can jump to the spot; the hint follows on its own line.
 */
function reportFileError(e: Xend2LibxlError, ctx: CliContext, debug: boolean): number {
  const where = e.position ? `${e.file}:${e.position.line}:${e.position.column}` : e.file;
  ctx.stderr.write(`${where}: error: ${e.message}\n`);
  if (e.hint) ctx.stderr.write(`hint: ${e.hint}\n`);
  if (debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return EXIT.FAILED;
}
