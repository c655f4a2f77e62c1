/**
 * The SXP grammar, building the document model directly in embedded actions
 * (no CST: one pass, fewer allocations). One instance is reused for every
 * parse, as Chevrotain recommends; `setup` resets the per-input state.
 *
 *   document := item* EndOfText?       (Ctrl-D at top level ends the text)
 *   list     := '(' item* ')'
 *   item     := list | Scalar          (Scalar = Atom | SingleQuoted | DoubleQuoted)
 *
 * Speed (bench/parse.js): atoms are consumed inline rather than through a rule
 * call, and the alternatives array is built once — Chevrotain's own advice.
 * Items are appended to `this.items`, the list being filled, so the cached
 * alternatives need no closure over per-call locals.
 */
import { EmbeddedActionsParser, type IToken } from 'chevrotain';
import type { SxpList, SxpNode } from './model.js';
import { allTokens, Atom, EndOfText, LParen, RParen, Scalar } from './tokens.js';
import { atomValue, quotedValue, type DecodeContext } from './decode.js';

export class SxpParser extends EmbeddedActionsParser {
  private ctx!: DecodeContext;
  /** Items of the innermost list being read (the document's forms at top level). */
  private items: SxpNode[] = [];
  /** Opening tokens of the lists being read, innermost last: says which list an early EOF left open. */
  openLists: IToken[] = [];
  /** A top-level Ctrl-D was seen: what follows it is not part of the configuration. */
  sawEndOfText = false;

  private readonly itemAlternatives = [
    {
      ALT: () => {
        const list = this.SUBRULE(this.list);
        this.ACTION(() => this.items.push(list));
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Scalar);
        this.ACTION(() => this.items.push(this.scalar(t)));
      },
    },
  ];

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  setup(tokens: IToken[], ctx: DecodeContext): void {
    this.input = tokens;
    this.ctx = ctx;
    this.items = [];
    this.openLists = [];
    this.sawEndOfText = false;
  }

  document = this.RULE('document', (): SxpNode[] => {
    const forms = this.items;
    this.MANY(() => this.OR(this.itemAlternatives));
    this.OPTION(() => {
      this.CONSUME(EndOfText);
      this.ACTION(() => {
        this.sawEndOfText = true;
      });
    });
    return forms;
  });

  private list = this.RULE('list', (): SxpList => {
    const open = this.CONSUME(LParen);
    let node!: SxpList;
    let outer!: SxpNode[];
    this.ACTION(() => {
      // Position taken before the children so the line table is walked forwards only.
      node = { kind: 'list', items: [], pos: this.ctx.positionAt(open.startOffset) };
      outer = this.items;
      this.items = node.items;
      this.openLists.push(open);
    });
    this.MANY(() => this.OR(this.itemAlternatives));
    this.CONSUME(RParen);
    this.ACTION(() => {
      this.items = outer;
      this.openLists.pop();
    });
    return node;
  });

  private scalar(t: IToken): SxpNode {
    const value = t.tokenType === Atom ? atomValue(t.image, this.ctx) : quotedValue(t.image, t.startOffset, this.ctx);
    return { kind: 'atom', value, pos: this.ctx.positionAt(t.startOffset) };
  }
}

/** The shared instance (grammar analysis is expensive; parsing state is per call). */
export const sxpParser = new SxpParser();
