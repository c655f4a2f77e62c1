/**
 * Turning token images into atom values. xend's reader works on bytes and
 * never decodes them; we give callers text: bytes that form valid UTF-8 become
 * those characters, anything else falls back to latin-1 (one byte, one char).
 */
import type { SourcePosition } from '../errors.js';
import { SxpSyntaxError } from './syntax-error.js';

/** How the source text was obtained, which decides what a literal character means in bytes. */
export interface DecodeContext {
  /** True when the input was not valid UTF-8 and was read as latin-1: each char is one byte. */
  byteMode: boolean;
  file?: string;
  positionAt(offset: number): SourcePosition;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  t: '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

// ignoreBOM: an escaped U+FEFF (\xef\xbb\xbf) at the start of a value is data, not a byte-order mark.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HIGH = /[\x80-\xff]/;

/** Value of an unquoted atom: verbatim, except byte-mode input that happens to be UTF-8. */
export function atomValue(image: string, ctx: DecodeContext): string {
  return ctx.byteMode && HIGH.test(image) ? bytesToText(Buffer.from(image, 'latin1'), image) : image;
}

/** Value of a quoted string token (quotes included in `image`), escapes decoded. */
export function quotedValue(image: string, offset: number, ctx: DecodeContext): string {
  const body = image.slice(1, -1);
  if (body.indexOf('\\') === -1) return atomValue(body, ctx);
  return decodeEscapes(body, offset + 1, ctx);
}

/**
 * Escapes as xend reads them, except that `\xHH` is true hex (xend decoded hex
 * letters as 0–5) and sequences xend mangled or crashed on are errors, since
 * xend never wrote them: an unknown escape, `\x` without two hex digits, octal > 255.
 */
function decodeEscapes(body: string, bodyOffset: number, ctx: DecodeContext): string {
  let out = '';
  // Set when an escape produced a byte >= 0x80 that may be part of a UTF-8 sequence.
  let rawBytes = false;
  let i = 0;
  while (i < body.length) {
    const bs = body.indexOf('\\', i);
    if (bs === -1) {
      out += body.slice(i);
      break;
    }
    out += body.slice(i, bs);
    const c = body[bs + 1];
    const simple = SIMPLE_ESCAPES[c];
    if (simple !== undefined) {
      out += simple;
      i = bs + 2;
    } else if (c === 'x') {
      const hex = body.slice(bs + 2, bs + 4);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        throw escapeError(`invalid escape '\\x${hex.replace(/[^0-9a-fA-F].*$/s, '')}': \\x needs exactly two hex digits`, bodyOffset + bs, ctx);
      }
      const v = parseInt(hex, 16);
      if (v >= 0x80) rawBytes = true;
      out += String.fromCharCode(v);
      i = bs + 4;
    } else if (c >= '0' && c <= '7') {
      let j = bs + 1;
      let v = 0;
      while (j < body.length && j < bs + 4 && body[j] >= '0' && body[j] <= '7') v = v * 8 + (body.charCodeAt(j++) - 48);
      if (v > 0xff) throw escapeError(`invalid octal escape '${body.slice(bs, j)}': value ${v} is larger than 255`, bodyOffset + bs, ctx);
      if (v >= 0x80) rawBytes = true;
      out += String.fromCharCode(v);
      i = j;
    } else {
      const printable = c !== undefined && c >= ' ' && c <= '~';
      const shown = printable ? `'\\${c}'` : `'\\' followed by U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
      throw escapeError(`invalid escape ${shown} in quoted string`, bodyOffset + bs, ctx);
    }
  }
  if (!rawBytes && !(ctx.byteMode && HIGH.test(out))) return out;
  return bytesToText(escapedBytes(body, ctx.byteMode), out);
}

/** The byte string xend would have held for `body`: literal text in the file's encoding plus escape bytes. */
function escapedBytes(body: string, byteMode: boolean): Buffer {
  const parts: Buffer[] = [];
  let lit = '';
  const flush = () => {
    if (lit) parts.push(Buffer.from(lit, byteMode ? 'latin1' : 'utf8'));
    lit = '';
  };
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if (ch !== '\\') {
      lit += ch;
      i++;
      continue;
    }
    const c = body[i + 1];
    if (c === 'x') {
      flush();
      parts.push(Buffer.of(parseInt(body.slice(i + 2, i + 4), 16)));
      i += 4;
    } else if (c >= '0' && c <= '7') {
      let j = i + 1;
      let v = 0;
      while (j < i + 4 && body[j] >= '0' && body[j] <= '7') v = v * 8 + (body.charCodeAt(j++) - 48);
      flush();
      parts.push(Buffer.of(v));
      i = j;
    } else {
      lit += SIMPLE_ESCAPES[c];
      i += 2;
    }
  }
  flush();
  return Buffer.concat(parts);
}

/** UTF-8 if the bytes are valid UTF-8, otherwise the latin-1 reading given as `fallback`. */
function bytesToText(bytes: Uint8Array, fallback: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return fallback;
  }
}

function escapeError(message: string, offset: number, ctx: DecodeContext): SxpSyntaxError {
  return new SxpSyntaxError('SXP_INVALID_ESCAPE', message, {
    file: ctx.file,
    position: ctx.positionAt(offset),
    hint: "xend only writes \\\\ \\' \\\" \\t \\n \\r and \\xHH; write a literal backslash as \\\\",
  });
}
