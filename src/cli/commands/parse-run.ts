/** The body of `xend2libxl parse`, loaded only when the command runs (see parse.ts). */
import path from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { reportError } from '../report-error.js';
import { escapeControls, formatDiagnostic } from '../../diagnostics.js';
import { Xend2LibxlError } from '../../errors.js';
import { ConfigReadError, readConfigFile, readConfigStream } from '../../sxp/read-file.js';
import type { ParseCliOptions } from './parse.js';

/** How standard input (`-`) is named in messages, as compilers do. */
const STDIN_NAME = '<stdin>';

export async function runParse(files: string[], opts: ParseCliOptions, ctx: CliContext, debug = false): Promise<number> {
  // Loaded here so that other commands do not pay for building the grammar.
  const { parseSxp, toPlain, writeSxp } = await import('../../sxp/index.js');
  let code: number = EXIT.OK;
  for (const arg of files) {
    const file = arg === '-' ? STDIN_NAME : arg;
    try {
      // Regular files only, at most 16 MiB: a FIFO or /dev/zero is refused, never read (read-file.ts).
      const bytes = arg === '-' ? await readStdin(ctx) : await readConfigFile(path.resolve(ctx.cwd, arg));
      const doc = parseSxp(bytes, { file });
      if (opts.json) ctx.stdout.write(JSON.stringify(doc.forms.map(toPlain)) + '\n');
      else ctx.stdout.write((files.length > 1 ? `# ${file}\n` : '') + writeSxp(doc, { width: opts.width }));
    } catch (e) {
      if (e instanceof Xend2LibxlError && e.file !== undefined) {
        // The file as the user named it, not the absolute path the reader saw.
        e.file = file;
        code = reportFileError(e, ctx, debug);
      } else code = reportError(e, ctx, debug);
    }
  }
  return code;
}

async function readStdin(ctx: CliContext): Promise<Buffer> {
  if (!ctx.stdin) throw new Xend2LibxlError('FILE_UNREADABLE', 'standard input is not available', { file: STDIN_NAME });
  return readConfigStream(ctx.stdin, STDIN_NAME);
}

/**
 * The compiler format, `PATH:LINE:COL: error[CODE]: MESSAGE` (as convert prints
 * it), so editors and CI annotators can jump to the spot; the hint follows on its own line.
 */
function reportFileError(e: Xend2LibxlError, ctx: CliContext, debug: boolean): number {
  const reason = e instanceof ConfigReadError ? e.describe('file') : e.message;
  ctx.stderr.write(`${formatDiagnostic({ code: e.code, severity: 'error', message: reason, file: e.file, line: e.position?.line, column: e.position?.column })}\n`);
  if (e.hint) ctx.stderr.write(`hint: ${escapeControls(e.hint)}\n`);
  if (debug && e.stack) ctx.stderr.write(`${e.stack}\n`);
  return EXIT.FAILED;
}
