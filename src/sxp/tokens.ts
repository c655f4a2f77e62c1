/**
 * Token types of xend's SXP syntax (Xen 4.4 `xen/xend/sxp.py`). Every input
 * character lands in some token — even the ones xend rejects — so the lexer
 * never fails and every problem is reported by the parser in source order.
 */
import { createToken, Lexer, type TokenType } from './chevrotain.js';

/** Space, TAB, LF, VT, FF, CR: the characters xend's `in_space_class` accepts. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\v\f\r]+/, group: Lexer.SKIPPED, line_breaks: true });

/** `#` to end of line (LF only, as in xend), also in the middle of an unquoted atom. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });

/** Category of the three atom-producing tokens, so the grammar has one scalar alternative. */
export const Scalar = createToken({ name: 'Scalar', pattern: Lexer.NA });

export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });

/**
 * Quoted strings are matched by a hand-written scan rather than a regex: V8's
 * backtracking regex engine overflows its stack on strings of a few MB, and a
 * corrupt file must give an error, not a crash.
 *
 * Returns the end of a quoted string starting at `offset` (after its closing
 * quote), or -1 when the input ends first. A backslash escapes any character.
 */
function quotedEnd(text: string, offset: number): number {
  // A single-character-class loop is safe in V8 at any length; only alternation recurses.
  const plain = text.charCodeAt(offset) === 0x27 ? PLAIN_IN_SINGLE : PLAIN_IN_DOUBLE;
  let i = offset + 1;
  // A failing sticky regex resets lastIndex to 0, so never start one past the end.
  while (i < text.length) {
    plain.lastIndex = i;
    plain.test(text);
    i = plain.lastIndex;
    if (i >= text.length) return -1;
    if (text.charCodeAt(i) !== 0x5c) return i + 1;
    i += 2;
  }
  return -1;
}
const PLAIN_IN_SINGLE = /[^'\\]*/y;
const PLAIN_IN_DOUBLE = /[^"\\]*/y;

function closedString(quote: string) {
  return (text: string, offset: number): RegExpExecArray | null => {
    if (text[offset] !== quote) return null;
    const end = quotedEnd(text, offset);
    return end === -1 ? null : ([text.slice(offset, end)] as unknown as RegExpExecArray);
  };
}

/** A quoted string closed by the same quote; escapes are decoded later (decode.ts). */
export const SingleQuoted = createToken({ name: 'SingleQuoted', pattern: { exec: closedString("'") }, start_chars_hint: ["'"], line_breaks: true, categories: [Scalar] });
export const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: { exec: closedString('"') }, start_chars_hint: ['"'], line_breaks: true, categories: [Scalar] });

/**
 * A quote that is never closed swallows the rest of the input. Tried only
 * after the closed forms failed, so the parser can point at the opening quote.
 */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: {
    exec: (text: string, offset: number) => {
      const c = text[offset];
      return (c === "'" || c === '"') && quotedEnd(text, offset) === -1 ? ([text.slice(offset)] as unknown as RegExpExecArray) : null;
    },
  },
  start_chars_hint: ["'", '"'],
  line_breaks: true,
});

/**
 * An unquoted atom: starts with printable ASCII other than `#()'"` (so `{}<>[];`
 * may start one), runs until whitespace, `#` or a separator `{}()<>[];`.
 * Quotes, backslashes and non-ASCII inside an atom are kept verbatim.
 */
export const Atom = createToken({ name: 'Atom', pattern: /[!$-&*-~][^ \t\n\v\f\r#(){}<>[\];]*/, categories: [Scalar] });

/** Ctrl-D (EOT) at the start of a token: end of text at top level, "unexpected EOF" inside a list. */
export const EndOfText = createToken({ name: 'EndOfText', pattern: '\x04' });

/** Anything else cannot start a token (control characters, DEL, non-ASCII). */
export const InvalidCharacter = createToken({
  name: 'InvalidCharacter',
  pattern: /[\0-\x03\x05-\x08\x0e-\x1f\x7f-\uffff]/,
});

/** Order matters: the closed string forms must be tried before the unterminated one. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Scalar,
  Comment,
  LParen,
  RParen,
  SingleQuoted,
  DoubleQuoted,
  UnterminatedString,
  Atom,
  EndOfText,
  InvalidCharacter,
];
