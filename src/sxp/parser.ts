/**
 * The SXP grammar, building the document model directly in embedded actions
 * (no CST: one pass, fewer allocations). One instance is reused for every
 * parse, as Chevrotain recommends; `setup` resets the per-input state.
 *
 *   document := form* EndOfText?        (Ctrl-D at top level ends the text)
 *   form     := list | Atom | SingleQuoted | DoubleQuoted
 *   list     := '(' form* ')'
 */
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { SxpList, SxpNode } from './model.js';
import { allTokens, Atom, DoubleQuoted, EndOfText, LParen, RParen, SingleQuoted } from './tokens.js';
import { atomValue, quotedValue, type DecodeContext } from './decode.js';

export class SxpParser extends EmbeddedActionsParser {
  private ctx!: DecodeContext;
  /** Opening tokens of the lists being read, innermost last: says which list an early EOF left open. */
  openLists: IToken[] = [];
  /** A top-level Ctrl-D was seen: what follows it is not part of the configuration. */
  sawEndOfText = false;

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  setup(tokens: IToken[], ctx: DecodeContext): void {
    this.input = tokens;
    this.ctx = ctx;
    this.openLists = [];
    this.sawEndOfText = false;
  }

  document = this.RULE('document', (): SxpNode[] => {
    const forms: SxpNode[] = [];
    this.MANY(() => {
      forms.push(this.SUBRULE(this.form));
    });
    this.OPTION(() => {
      this.CONSUME(EndOfText);
      this.ACTION(() => {
        this.sawEndOfText = true;
      });
    });
    return forms;
  });

  private form = this.RULE('form', (): SxpNode => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.list) },
      {
        ALT: () => {
          const t = this.CONSUME(Atom);
          return this.ACTION(() => ({ kind: 'atom', value: atomValue(t.image, this.ctx), pos: this.ctx.positionAt(t.startOffset) }) as SxpNode);
        },
      },
      { ALT: () => this.quoted(this.CONSUME(SingleQuoted)) },
      { ALT: () => this.quoted(this.CONSUME(DoubleQuoted)) },
    ]);
  });

  private list = this.RULE('list', (): SxpList => {
    const open = this.CONSUME(LParen);
    const items: SxpNode[] = [];
    let node: SxpList | undefined;
    this.ACTION(() => {
      node = { kind: 'list', items, pos: this.ctx.positionAt(open.startOffset) };
      this.openLists.push(open);
    });
    this.MANY(() => {
      items.push(this.SUBRULE(this.form));
    });
    this.CONSUME(RParen);
    this.ACTION(() => this.openLists.pop());
    return node as SxpList;
  });

  private quoted(t: IToken): SxpNode {
    return this.ACTION(() => ({ kind: 'atom', value: quotedValue(t.image, t.startOffset, this.ctx), pos: this.ctx.positionAt(t.startOffset) }) as SxpNode);
  }
}

/** The shared instance (grammar analysis is expensive; parsing state is per call). */
export const sxpParser = new SxpParser();
