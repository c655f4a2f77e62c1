/**
 * The grammar of an xm/xl config read as data, building values directly in
 * embedded actions. Newlines inside brackets are removed before parsing (as
 * Python's tokenizer does), and one Newline is appended at the end, so a
 * statement always ends with a Newline or `;`.
 *
 *   document  := (statement | Newline | ';')*
 *   statement := Identifier ('=' | '+=') value (Newline | ';')
 *   value     := String+ | '-'? Number | True | False | None
 *              | '[' items? ']' | '(' items? ')'
 *   items     := value (',' value)* ','?
 *
 * Anything else fails to parse; api.ts turns the failure into an error that
 * says which Python construct was found (python-code.ts).
 */
import { EmbeddedActionsParser, type IToken } from '../sxp/chevrotain.js';
import type { SourcePosition } from '../errors.js';
import { numberValue, stringValue } from './literals.js';
import type { XmDialect, XmSetting, XmValue } from './model.js';
import { XmcfgSyntaxError } from './syntax-error.js';
import { Assign, allTokens, Comma, False, Identifier, LBracket, LParen, Minus, Newline, None, NumberLiteral, PlusAssign, RBracket, RParen, Semicolon, StringLiteral, True } from './tokens.js';

/** Configs nest two or three levels (`cpus = [[0, 1], [2]]`); deeper is corrupt or hostile input. */
export const MAX_NESTING = 64;

export interface ParseContext {
  file?: string;
  dialect: XmDialect;
  positionAt(offset: number): SourcePosition;
}

const NO_POS: SourcePosition = { line: 0, column: 0, offset: 0 };

export class XmcfgParser extends EmbeddedActionsParser {
  private ctx: ParseContext = { dialect: 'auto', positionAt: () => NO_POS };
  private depth = 0;
  /** Opening brackets not yet closed, innermost last: names the list an early end of file left open. */
  open: IToken[] = [];

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 2 });
    this.performSelfAnalysis();
  }

  setup(tokens: IToken[], ctx: ParseContext): void {
    this.input = tokens;
    this.ctx = ctx;
    this.depth = 0;
    this.open = [];
  }

  release(): void {
    this.input = [];
    this.open = [];
    this.ctx = { dialect: 'auto', positionAt: () => NO_POS };
  }

  document = this.RULE('document', (): XmSetting[] => {
    const out: XmSetting[] = [];
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(Newline) },
        { ALT: () => this.CONSUME(Semicolon) },
        {
          ALT: () => {
            const s = this.SUBRULE(this.statement);
            this.ACTION(() => out.push(s));
          },
        },
      ]);
    });
    return out;
  });

  private statement = this.RULE('statement', (): XmSetting => {
    const key = this.CONSUME(Identifier);
    const op = this.OR([{ ALT: () => this.CONSUME(Assign) }, { ALT: () => this.CONSUME(PlusAssign) }]);
    const value = this.SUBRULE(this.value);
    this.OR2([{ ALT: () => this.CONSUME2(Newline) }, { ALT: () => this.CONSUME2(Semicolon) }]);
    if (this.RECORDING_PHASE) return { key: '', keyPos: NO_POS, value, append: false };
    const append = op.tokenType === PlusAssign;
    if (append) this.checkAppend(op, value);
    return { key: key.image, keyPos: this.at(key), value, append };
  });

  private value = this.RULE('value', (): XmValue => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.strings) },
      { ALT: () => this.SUBRULE(this.number) },
      { ALT: () => this.constant(this.CONSUME(True), { kind: 'bool', value: true }) },
      { ALT: () => this.constant(this.CONSUME(False), { kind: 'bool', value: false }) },
      { ALT: () => this.constant(this.CONSUME(None), { kind: 'none' }) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.tuple) },
    ]);
  });

  private strings = this.RULE('strings', (): XmValue => {
    const parts: IToken[] = [];
    this.AT_LEAST_ONE(() => {
      parts.push(this.CONSUME(StringLiteral));
    });
    if (this.RECORDING_PHASE) return { kind: 'none', pos: NO_POS };
    for (const p of parts) if (!/^['"]/.test(p.image) || /^('''|""")/.test(p.image)) this.pythonOnly(p, 'a Python string prefix or triple quote');
    if (parts.length > 1) this.pythonOnly(parts[1], 'implicit string concatenation');
    return { kind: 'string', value: parts.map((p) => stringValue(p.image)).join(''), pos: this.at(parts[0]) };
  });

  private number = this.RULE('number', (): XmValue => {
    const minus = this.OPTION(() => this.CONSUME(Minus));
    const t = this.CONSUME(NumberLiteral);
    if (this.RECORDING_PHASE) return { kind: 'none', pos: NO_POS };
    const n = numberValue(t.image);
    if (n.complex) throw this.codeError(t, `a complex number ('${t.image}')`);
    const text = (minus ? '-' : '') + t.image;
    return { kind: 'number', value: minus ? -n.value : n.value, text, float: n.float, pos: this.at(minus ?? t) };
  });

  private list = this.RULE('list', (): XmValue => {
    const open = this.CONSUME(LBracket);
    this.enter(open);
    const items = this.OPTION(() => this.SUBRULE(this.items)) ?? { values: [], commas: 0 };
    this.CONSUME(RBracket);
    this.leave();
    return { kind: 'list', items: items.values, tuple: false, pos: this.at(open) };
  });

  private tuple = this.RULE('tuple', (): XmValue => {
    const open = this.CONSUME(LParen);
    this.enter(open);
    const items = this.OPTION(() => this.SUBRULE2(this.items)) ?? { values: [], commas: 0 };
    this.CONSUME(RParen);
    this.leave();
    if (this.RECORDING_PHASE) return { kind: 'none', pos: NO_POS };
    // `(x)` is just x in parentheses; a tuple needs a comma (or is empty).
    if (items.values.length === 1 && items.commas === 0) return items.values[0];
    this.pythonOnly(open, 'a Python tuple');
    return { kind: 'list', items: items.values, tuple: true, pos: this.at(open) };
  });

  private items = this.RULE('items', (): { values: XmValue[]; commas: number } => {
    const values: XmValue[] = [this.SUBRULE(this.value)];
    let commas = 0;
    this.MANY(() => {
      this.CONSUME(Comma);
      values.push(this.SUBRULE2(this.value));
      commas++;
    });
    this.OPTION(() => {
      this.CONSUME2(Comma);
      commas++;
    });
    return { values, commas };
  });

  private constant(t: IToken, v: { kind: 'bool'; value: boolean } | { kind: 'none' }): XmValue {
    if (this.RECORDING_PHASE) return { kind: 'none', pos: NO_POS };
    this.pythonOnly(t, `the Python constant ${t.image}`);
    return { ...v, pos: this.at(t) };
  }

  private at(t: IToken): SourcePosition {
    return this.ctx.positionAt(t.startOffset);
  }

  private enter(open: IToken): void {
    if (this.RECORDING_PHASE) return;
    this.open.push(open);
    if (++this.depth > MAX_NESTING) {
      throw new XmcfgSyntaxError('XMCFG_TOO_DEEP', `lists are nested more than ${MAX_NESTING} levels deep`, {
        file: this.ctx.file,
        position: this.at(open),
        hint: 'domain configs nest two or three levels; the file is probably corrupt — restore it from a backup',
      });
    }
  }

  private leave(): void {
    if (this.RECORDING_PHASE) return;
    this.open.pop();
    this.depth--;
  }

  /** Syntax xm (Python) reads but xl's libxlu does not. */
  private pythonOnly(t: IToken, what: string): void {
    if (this.ctx.dialect !== 'xl') return;
    throw new XmcfgSyntaxError('XMCFG_NOT_XL', `${what} is Python syntax, which xl does not read`, {
      file: this.ctx.file,
      position: this.at(t),
      hint: "xl reads quoted strings, numbers and [ … ] lists only; if this is an xm config, convert it as one (it was meant for `xm create`)",
    });
  }

  /** `+=` is xl's list append; in Python it is arithmetic on a variable set by code. */
  private checkAppend(op: IToken, value: XmValue): void {
    if (this.ctx.dialect === 'xm') throw this.codeError(op, "an augmented assignment ('+=')");
    if (value.kind !== 'list') {
      throw new XmcfgSyntaxError('XMCFG_UNEXPECTED_TOKEN', "'+=' appends to a list, but the value is not a [ … ] list", { file: this.ctx.file, position: this.at(op), hint: 'write key += [ "item" ] or use key = value' });
    }
  }

  codeError(t: IToken, what: string): XmcfgSyntaxError {
    return pythonCodeError(this.ctx, this.at(t), what);
  }
}

/** The one error for "this is program code, not data" — with the exact way out. */
export function pythonCodeError(ctx: { file?: string; dialect: XmDialect }, position: SourcePosition, what: string): XmcfgSyntaxError {
  const file = ctx.file ?? 'FILE';
  const name = file.split('/').pop()!.replace(/\.cfg$/, '');
  if (ctx.dialect === 'xl') {
    return new XmcfgSyntaxError('XMCFG_PYTHON_CODE', `${what} is not a setting: xl reads \`key = value\` lines only`, {
      file: ctx.file,
      position,
      hint: 'replace the expression by the value it stands for (xl itself refuses this line)',
    });
  }
  return new XmcfgSyntaxError('XMCFG_PYTHON_CODE', `${what}: this config is Python code, not just settings, and is never executed here`, {
    file: ctx.file,
    position,
    hint: `let xm evaluate it on the xend host: \`xm create --quiet --dryrun ${file} > ${name}.sxp\`, then convert ${name}.sxp (or replace the code by the values it computes)`,
  });
}

export const xmcfgParser = new XmcfgParser();
