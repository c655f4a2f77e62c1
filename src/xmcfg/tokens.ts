/**
 * Token types of the config language `xm` and `xl` read as data. Like the SXP
 * lexer, every input character lands in some token (operators and stray
 * characters included), so the lexer never fails and the parser reports each
 * problem — Python code above all — at its own position, in source order.
 */
import { createToken, Lexer, type TokenType } from '../sxp/chevrotain.js';

/** Blanks and backslash-newline continuations (Python joins such lines). */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /(?:[ \t\f\v\r]|\\\r?\n)+/, group: Lexer.SKIPPED, line_breaks: true });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n]*/, group: Lexer.SKIPPED });
/** Ends a statement outside brackets; dropped inside them (see api.ts). */
export const Newline = createToken({ name: 'Newline', pattern: /\n/, line_breaks: true });

/** Scans a Python string literal (prefix, single or triple quote) → end offset, or -1 when unclosed. */
export function stringEnd(text: string, offset: number): { end: number; bodyStart: number } | undefined {
  let i = offset;
  while (i < offset + 2 && /[rRuUbB]/.test(text[i] ?? '')) i++;
  const q = text[i];
  if (q !== "'" && q !== '"') return undefined;
  const triple = text.startsWith(q.repeat(3), i);
  const close = triple ? q.repeat(3) : q;
  let j = i + close.length;
  const bodyStart = j;
  while (j < text.length) {
    const c = text[j];
    if (c === '\\') {
      j += 2;
      continue;
    }
    if (!triple && c === '\n') return { end: -1, bodyStart };
    if (text.startsWith(close, j)) return { end: j + close.length, bodyStart };
    j++;
  }
  return { end: -1, bodyStart };
}

export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: {
    exec: (text: string, offset: number) => {
      const s = stringEnd(text, offset);
      return s && s.end !== -1 ? ([text.slice(offset, s.end)] as unknown as RegExpExecArray) : null;
    },
  },
  start_chars_hint: ["'", '"', 'r', 'R', 'u', 'U', 'b', 'B'],
  line_breaks: true,
});

/** A quote never closed (on its line, or at all for triple quotes): the parser points at it. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: {
    exec: (text: string, offset: number) => {
      const s = stringEnd(text, offset);
      if (!s || s.end !== -1) return null;
      const nl = text.indexOf('\n', offset);
      return [text.slice(offset, nl === -1 ? text.length : nl)] as unknown as RegExpExecArray;
    },
  },
  start_chars_hint: ["'", '"', 'r', 'R', 'u', 'U', 'b', 'B'],
  line_breaks: true,
});

/** Python 2 numbers: 42, 0x2a, 052, 0o52, 0b101, 42L, 1.5, 1e3 (complex `j` only to refuse it). */
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  pattern: /(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)[lLjJ]?(?![A-Za-z0-9_])/,
});

export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });
export const True = createToken({ name: 'True', pattern: /True/, longer_alt: Identifier });
export const False = createToken({ name: 'False', pattern: /False/, longer_alt: Identifier });
export const None = createToken({ name: 'None', pattern: /None/, longer_alt: Identifier });

export const PlusAssign = createToken({ name: 'PlusAssign', pattern: '+=' });
/** `==` is an operator (a comparison), never an assignment. */
export const Operator = createToken({ name: 'Operator', pattern: /\*\*=?|\/\/=?|==|!=|<=|>=|<<|>>|[-*/%&|^]=|[+*/%.<>&|^~@{}!`$?]/ });
export const Assign = createToken({ name: 'Assign', pattern: '=' });
export const Minus = createToken({ name: 'Minus', pattern: '-' });
export const LBracket = createToken({ name: 'LBracket', pattern: '[' });
export const RBracket = createToken({ name: 'RBracket', pattern: ']' });
export const LParen = createToken({ name: 'LParen', pattern: '(' });
export const RParen = createToken({ name: 'RParen', pattern: ')' });
export const Comma = createToken({ name: 'Comma', pattern: ',' });
export const Semicolon = createToken({ name: 'Semicolon', pattern: ';' });
export const Colon = createToken({ name: 'Colon', pattern: ':' });
export const InvalidCharacter = createToken({ name: 'InvalidCharacter', pattern: /[^]/ });

/** Order matters: strings before identifiers (`r'…'`), `+=` and `==` before `=`, numbers before `.`. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  Newline,
  StringLiteral,
  UnterminatedString,
  NumberLiteral,
  True,
  False,
  None,
  Identifier,
  PlusAssign,
  Operator,
  Assign,
  Minus,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Semicolon,
  Colon,
  InvalidCharacter,
];

export const xmcfgLexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
