/**
 * Token types of xend's SXP syntax (Xen 4.4 `xen/xend/sxp.py`). Every input
 * character lands in some token — even the ones xend rejects — so the lexer
 * never fails and every problem is reported by the parser in source order.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

/** Space, TAB, LF, VT, FF, CR: the characters xend's `in_space_class` accepts. */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /[ \t\n\v\f\r]+/, group: Lexer.SKIPPED, line_breaks: true });

/** `#` to end of line (LF only, as in xend), also in the middle of an unquoted atom. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });

/** Category of the three atom-producing tokens, so the grammar has one scalar alternative. */
export const Scalar = createToken({ name: 'Scalar', pattern: Lexer.NA });

export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });

/** A quoted string closed by the same quote; backslash escapes anything (decoded later). */
export const SingleQuoted = createToken({ name: 'SingleQuoted', pattern: /'(?:[^'\\]|\\[^])*'/, line_breaks: true, categories: [Scalar] });
export const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: /"(?:[^"\\]|\\[^])*"/, line_breaks: true, categories: [Scalar] });

/**
 * A quote that is never closed swallows the rest of the input. Matched only
 * when the closed form above failed, so the parser can point at the quote.
 */
export const UnterminatedString = createToken({ name: 'UnterminatedString', pattern: /(?:'(?:[^'\\]|\\[^])*|"(?:[^"\\]|\\[^])*)\\?/, line_breaks: true });

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
