/**
 * The reader's facade: text or bytes of an xm/xl domain config in, an
 * {@link XmConfig} out, or an {@link XmcfgSyntaxError} that says what is
 * wrong, where (FILE:LINE:COL), and what to do. No I/O, no printing, and no
 * Python is ever run: anything beyond literal data is refused.
 */
import { EOF, type IRecognitionException, type IToken } from '../sxp/chevrotain.js';
import { LineIndex } from '../sxp/positions.js';
import type { XmConfig, XmDialect } from './model.js';
import { xmcfgParser, type ParseContext } from './parser.js';
import { describeUnexpected } from './python-code.js';
import { XmcfgSyntaxError } from './syntax-error.js';
import { LBracket, LParen, Newline, RBracket, RParen, xmcfgLexer } from './tokens.js';

export interface ParseXmConfigOptions {
  /** Path reported in errors and stored on the result. */
  file?: string;
  /** `xm` (Python literals), `xl` (libxlu), or `auto` (either; the default). */
  dialect?: XmDialect;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function parseXmConfig(input: string | Uint8Array, opts: ParseXmConfigOptions = {}): XmConfig {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      // Python 2 read bytes; a latin-1 comment must not stop the import.
      text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = new LineIndex(text);
  const ctx: ParseContext = { file: opts.file, dialect: opts.dialect ?? 'auto', positionAt: (o) => lines.at(o) };
  const tokens = statementTokens(xmcfgLexer.tokenize(text).tokens, text.length);
  let settings;
  try {
    xmcfgParser.setup(tokens, ctx);
    settings = xmcfgParser.document();
    const err = xmcfgParser.errors[0];
    if (err) throw translate(err, tokens, ctx, lines);
  } finally {
    xmcfgParser.release();
  }
  if (settings.length === 0) {
    throw new XmcfgSyntaxError('XMCFG_NO_SETTINGS', 'no settings found: the file is empty or holds only comments', {
      file: opts.file,
      position: lines.at(0),
      hint: 'a domain config sets at least name = "…" and memory = …; restore the file from a backup',
    });
  }
  return opts.file === undefined ? { settings } : { file: opts.file, settings };
}

/** Python's rule: a newline inside brackets does not end the statement. One final Newline ends the last one. */
function statementTokens(tokens: IToken[], end: number): IToken[] {
  const out: IToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.tokenType === LBracket || t.tokenType === LParen) depth++;
    else if ((t.tokenType === RBracket || t.tokenType === RParen) && depth > 0) depth--;
    else if (t.tokenType === Newline && depth > 0) continue;
    out.push(t);
  }
  out.push({ image: '\n', startOffset: end, tokenType: Newline, tokenTypeIdx: Newline.tokenTypeIdx! } as IToken);
  return out;
}

function translate(err: IRecognitionException, tokens: IToken[], ctx: ParseContext, lines: LineIndex): XmcfgSyntaxError {
  let t = err.token;
  const open = xmcfgParser.open[xmcfgParser.open.length - 1];
  // The synthetic final Newline inside an open list means the file ended too early.
  if ((t.tokenType === EOF || (t.tokenType === Newline && t.startOffset === tokens[tokens.length - 1].startOffset)) && open) {
    const where = lines.at(open.startOffset);
    return new XmcfgSyntaxError('XMCFG_UNCLOSED_LIST', `unexpected end of file: the '${open.image}' opened at line ${where.line}, column ${where.column} is not closed`, {
      file: ctx.file,
      position: lines.at(tokens.length > 1 ? tokens[tokens.length - 2].startOffset + tokens[tokens.length - 2].image.length : 0),
      hint: `add the missing '${open.image === '[' ? ']' : ')'}' (the file may have been cut short)`,
    });
  }
  if (t.tokenType === EOF) t = tokens[tokens.length - 1];
  const i = tokens.indexOf(t);
  return describeUnexpected(tokens, i < 0 ? tokens.length - 1 : i, ctx, lines);
}

/**
 * Whether a config file's text is an xm/xl config rather than SXP, for inputs
 * not named `.cfg` (`/etc/xen/web`, standard input): after blank and `#`
 * lines, SXP starts with `(`, an xm/xl config with a setting's name.
 */
export function looksLikeXmConfig(input: string | Uint8Array): boolean {
  const head = typeof input === 'string' ? input.slice(0, 4096) : Buffer.from(input.buffer, input.byteOffset, Math.min(input.byteLength, 4096)).toString('latin1');
  const first = head.replace(/^\uFEFF/, '').replace(/^(?:[ \t\r\f\v]*(?:#[^\n]*)?\n)*[ \t\r\f\v]*/, '');
  return /^[A-Za-z_][A-Za-z0-9_]*\s*\+?=/.test(first);
}
