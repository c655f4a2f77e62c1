/**
 * Naming what stands where the grammar wanted data: most often Python code in
 * an xm config (`import`, a variable, a call, arithmetic, `if`). The admin is
 * told which construct it is and how to get the values out of it without us
 * ever running the file.
 */
import type { IToken } from '../sxp/chevrotain.js';
import type { LineIndex } from '../sxp/positions.js';
import { pythonCodeError, type ParseContext } from './parser.js';
import { XmcfgSyntaxError } from './syntax-error.js';
import { Assign, Colon, Comma, Identifier, InvalidCharacter, LBracket, LParen, Minus, Newline, NumberLiteral, Operator, PlusAssign, RBracket, RParen, Semicolon, StringLiteral, UnterminatedString } from './tokens.js';

const STATEMENTS = new Set(['import', 'from', 'if', 'elif', 'else', 'for', 'while', 'def', 'class', 'try', 'except', 'finally', 'with', 'print', 'exec', 'del', 'pass', 'return', 'global', 'assert', 'lambda', 'raise', 'yield']);
const OPERATORS: Record<string, string> = {
  '%': "string formatting or modulo ('%')",
  '.': "an attribute or method call ('.')",
  '{': "a Python dict ('{')",
  '}': "a Python dict ('}')",
  '==': "a comparison ('==')",
  '!=': "a comparison ('!=')",
  '<': "a comparison ('<')",
  '>': "a comparison ('>')",
  '<=': "a comparison ('<=')",
  '>=': "a comparison ('>=')",
};

function isStatementStart(prev: IToken | undefined): boolean {
  return prev === undefined || prev.tokenType === Newline || prev.tokenType === Semicolon;
}

/** Tokens after which a value has just ended (so `(`, `[`, `-`, an operator continue an expression). */
function endsValue(t: IToken | undefined): boolean {
  const k = t?.tokenType;
  return k === StringLiteral || k === NumberLiteral || k === RBracket || k === RParen || k === Identifier || (t !== undefined && /^(True|False|None)$/.test(t.image));
}

export function describeUnexpected(tokens: IToken[], at: number, ctx: ParseContext, lines: LineIndex): XmcfgSyntaxError {
  // `import os`, `if x:`: the grammar fails on the word after the name; the statement is what is wrong.
  const i = tokens[at - 1]?.tokenType === Identifier && isStatementStart(tokens[at - 2]) && tokens[at].tokenType !== Assign && tokens[at].tokenType !== PlusAssign ? at - 1 : at;
  const t = tokens[i];
  const prev = tokens[i - 1];
  const next = tokens[i + 1];
  const pos = lines.at(t.startOffset);
  const code = (what: string) => pythonCodeError(ctx, pos, what);
  const plain = (message: string, hint: string) => new XmcfgSyntaxError('XMCFG_UNEXPECTED_TOKEN', message, { file: ctx.file, position: pos, hint });
  switch (t.tokenType) {
    case UnterminatedString:
      return new XmcfgSyntaxError('XMCFG_UNTERMINATED_STRING', `unterminated string: the ${/['"]+/.exec(t.image)?.[0] ?? 'quote'} opened here is never closed`, {
        file: ctx.file,
        position: pos,
        hint: 'add the closing quote on the same line (only triple-quoted strings span lines)',
      });
    case InvalidCharacter:
      return new XmcfgSyntaxError('XMCFG_INVALID_CHARACTER', `invalid character ${JSON.stringify(t.image)} (U+${t.image.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) outside a string`, {
        file: ctx.file,
        position: pos,
        hint: 'put the value in quotes, or remove the character',
      });
    case Identifier:
      if (isStatementStart(prev)) {
        if (STATEMENTS.has(t.image)) return code(`a Python '${t.image}' statement`);
        return code(next?.tokenType === LParen || next?.image === '.' ? `a Python call ('${t.image}${next.image}…')` : `a Python expression statement ('${t.image} …')`);
      }
      if (next?.tokenType === LParen) return code(`a function call ('${t.image}(…)')`);
      if (next?.image === '.') return code(`an attribute or method call ('${t.image}.…')`);
      if (endsValue(prev)) return code(`a Python expression ('… ${t.image}')`);
      if (STATEMENTS.has(t.image) || t.image === 'and' || t.image === 'or' || t.image === 'not' || t.image === 'in') return code(`a Python '${t.image}' expression`);
      return code(`a Python variable ('${t.image}')`);
    case Operator:
      return code(OPERATORS[t.image] ?? `arithmetic ('${t.image}')`);
    case Minus:
      return code("arithmetic ('-')");
    case PlusAssign:
      return code("an augmented assignment ('+=')");
    case Colon:
      return code("a Python block or slice (':')");
    case Assign:
      return isStatementStart(prev) ? plain("a setting needs a name before '='", 'write key = value') : code("a chained assignment or keyword argument ('=')");
    case LParen:
      if (endsValue(prev)) return code("a call ('(' after a value)");
      break;
    case LBracket:
      if (endsValue(prev)) return code("indexing ('[' after a value)");
      break;
    case StringLiteral:
    case NumberLiteral:
      if (isStatementStart(prev)) return code('a Python expression statement (a value without `key =`)');
      if (endsValue(prev)) return plain(`a value follows another value without a comma: ${short(t.image)}`, 'separate list items with commas; one setting per line');
      break;
    case Comma:
      if (prev?.tokenType === Comma || prev?.tokenType === LBracket || prev?.tokenType === LParen) return plain("an empty item: ',' without a value before it", 'remove the extra comma');
      return code("a bare tuple ('a, b' without brackets)");
    case Newline:
    case Semicolon:
      if (prev?.tokenType === Assign || prev?.tokenType === PlusAssign) return plain('the setting has no value', 'write key = value, e.g. memory = 512 or name = "web"');
      break;
    case RBracket:
    case RParen:
      return plain(`unexpected '${t.image}': there is no open '${t.image === ']' ? '[' : '('}' to close`, `remove the extra '${t.image}' or add the missing opening one`);
    default:
      break;
  }
  return plain(`unexpected ${short(t.image)}`, 'each line is `key = value`, with strings in quotes and lists in [ … ]');
}

function short(image: string): string {
  if (image === '\n') return 'end of line';
  return `'${image.length > 30 ? `${image.slice(0, 30)}…` : image}'`;
}
