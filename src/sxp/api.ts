/**
 * The reader's facade: text or bytes in, {@link SxpDocument} out, or an
 * {@link SxpSyntaxError} that says what is wrong, where, and what to do.
 * No I/O, no printing.
 */
import { EOF, type IRecognitionException, type IToken } from './chevrotain.js';
import type { SourcePosition } from '../errors.js';
import type { SxpDocument, SxpNode } from './model.js';
import { sxpLexer } from './lexer.js';
import { sxpParser } from './parser.js';
import { LineIndex } from './positions.js';
import { SxpSyntaxError } from './syntax-error.js';
import { EndOfText, InvalidCharacter, LParen, RParen, UnterminatedString } from './tokens.js';

export interface ParseSxpOptions {
  /** Path reported in errors and stored on the document. */
  file?: string;
  /**
   * Accept input with no forms (returns `forms: []`). For files where "nothing
   * set" is legitimate, such as an all-comments xend-config.sxp; a domain's
   * config.sxp without forms is an error (the default).
   */
  allowEmpty?: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Read every top-level form of an SXP text exactly as xend's `sxp.py` would
 * (rules: the README's SXP section; research notes xend-sxp-format.md §1).
 * Bytes are read as UTF-8, or as latin-1 when they are not valid UTF-8 — each
 * value is then still decoded as UTF-8 where it can be.
 * @throws SxpSyntaxError for anything xend's reader would have refused or misread.
 */
export function parseSxp(input: string | Uint8Array, opts: ParseSxpOptions = {}): SxpDocument {
  let text: string;
  let byteMode = false;
  // A UTF-8 byte-order mark (a file saved by a Windows editor) is dropped, as TextDecoder does for bytes.
  if (typeof input === 'string') text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  else {
    try {
      text = utf8.decode(input);
    } catch {
      text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
      // A byte-order mark declares UTF-8: reading the rest as latin-1 would turn the mark into 'ï»¿'.
      if (input[0] === 0xef && input[1] === 0xbb && input[2] === 0xbf) throw bomNotUtf8(input, text, opts.file);
      byteMode = true;
    }
  }
  const lines = new LineIndex(text);
  const file = opts.file;
  const positionAt = (offset: number) => lines.at(offset);

  const { tokens } = sxpLexer.tokenize(text);
  let forms: SxpNode[];
  try {
    sxpParser.setup(tokens, { byteMode, file, positionAt });
    forms = sxpParser.document();
    const err = sxpParser.errors.find((e) => !(sxpParser.sawEndOfText && e.name === 'NotAllInputParsedException'));
    if (err) throw translate(err, tokens, text, lines, file);
  } finally {
    // The shared parser must not keep the last input (possibly megabytes) alive.
    sxpParser.release();
  }
  if (forms.length === 0 && !opts.allowEmpty) {
    throw new SxpSyntaxError('SXP_NO_CONFIGURATION', 'no configuration found: the file is empty or contains only comments', {
      file,
      position: lines.at(0),
      hint: 'a xend config.sxp holds one (domain …) form; restore the file from a backup or re-export it with `xm list -l`',
    });
  }
  return file === undefined ? { forms } : { file, forms };
}

/** The file starts with a UTF-8 byte-order mark but is not UTF-8: say where the first bad byte is. */
function bomNotUtf8(bytes: Uint8Array, latin1: string, file: string | undefined): SxpSyntaxError {
  let at = 3;
  for (let end = bytes.length; at < end; ) {
    const n = utf8SequenceLength(bytes, at);
    if (n === 0) break;
    at += n;
  }
  // Columns count from after the mark, as they do for every file whose mark was dropped.
  const position = new LineIndex(latin1.slice(3)).at(at - 3);
  return new SxpSyntaxError('SXP_INVALID_ENCODING', `the file starts with a UTF-8 byte-order mark, but byte 0x${bytes[at].toString(16).toUpperCase().padStart(2, '0')} here is not valid UTF-8`, {
    file,
    position,
    hint: 'an editor saved it with a mark but a different encoding: re-save it as UTF-8 (e.g. iconv -f latin1 -t utf-8), or remove the first 3 bytes if it really is latin-1',
  });
}

/** Length of the valid UTF-8 sequence at `i`, or 0 when the bytes there are not one. */
function utf8SequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const n = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
  if (n <= 1) return n;
  if (i + n > b.length) return 0;
  try {
    utf8.decode(b.subarray(i, i + n));
    return n;
  } catch {
    return 0;
  }
}

/** Turn Chevrotain's recognition error into the message an admin needs. */
function translate(err: IRecognitionException, tokens: IToken[], text: string, lines: LineIndex, file?: string): SxpSyntaxError {
  const t = err.token;
  const open = sxpParser.openLists[sxpParser.openLists.length - 1];
  const at = (offset: number) => lines.at(offset);
  switch (t.tokenType) {
    case UnterminatedString:
      return new SxpSyntaxError('SXP_UNTERMINATED_STRING', `unterminated string: the ${t.image[0]} opened here is never closed`, {
        file,
        position: at(t.startOffset),
        hint: `add the closing ${t.image[0]} (a quote inside the value is written \\${t.image[0]})`,
      });
    case InvalidCharacter:
      return new SxpSyntaxError('SXP_INVALID_CHARACTER', `invalid character ${describeChar(t.image)}: it cannot start an atom`, {
        file,
        position: at(t.startOffset),
        hint: 'xend quotes any value that is not plain ASCII; put the value in quotes',
      });
    case RParen:
      if (!open) {
        return new SxpSyntaxError('SXP_UNEXPECTED_CLOSE', "unexpected ')': there is no open list to close", {
          file,
          position: at(t.startOffset),
          hint: "remove the extra ')' or add the missing '(' before it",
        });
      }
      break;
    case EndOfText:
    case EOF:
      if (open) {
        const where = at(open.startOffset);
        const position = t.tokenType === EOF ? endOfLastToken(tokens, text, lines) : at(t.startOffset);
        const head = listHead(tokens, open);
        const ending = t.tokenType === EOF ? 'unexpected end of input' : 'unexpected end of text (Ctrl-D)';
        const outer = sxpParser.openLists.slice(0, -1).reverse();
        const more = outer.length === 0 ? '' : ` (nor ${outer.length === 1 ? 'is the list' : `are the ${outer.length} lists`} around it: ${outer.slice(0, 3).map((o) => `${listHead(tokens, o)} at ${at(o.startOffset).line}:${at(o.startOffset).column}`).join(', ')}${outer.length > 3 ? ', …' : ''})`;
        return new SxpSyntaxError('SXP_UNEXPECTED_EOF', `${ending}: list ${head} opened at line ${where.line}, column ${where.column} is not closed${more}`, {
          file,
          position,
          hint: "add the missing ')' (the file may have been truncated while xend was saving it)",
        });
      }
      break;
  }
  // Unreachable for the grammar above; kept so a grammar change cannot produce a silent success.
  return new SxpSyntaxError('SXP_UNEXPECTED_CLOSE', `syntax error at '${t.image}'`, { file, position: at(Number.isFinite(t.startOffset) ? t.startOffset : 0) });
}

/** Chevrotain's EOF token has NaN positions: point just after the last real token instead. */
function endOfLastToken(tokens: IToken[], text: string, lines: LineIndex): SourcePosition {
  const last = tokens[tokens.length - 1];
  const offset = last ? last.startOffset + last.image.length : text.length;
  return lines.at(offset);
}

/** `'(device'`-style name of a list for messages: its opening paren and head atom if any. */
function listHead(tokens: IToken[], open: IToken): string {
  const i = tokens.indexOf(open);
  const next = tokens[i + 1];
  const name = next && next.tokenType !== LParen && next.tokenType !== RParen && next.image.length <= 40 ? next.image : '';
  return name ? `'(${name}'` : "'('";
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0) ? `'${ch}' (U+${hex})` : `U+${hex}`;
}
