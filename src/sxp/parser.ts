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
 * alternatives need no closure over per-call locals. Actions test
 * RECORDING_PHASE directly instead of wrapping each in ACTION(() => …): same
 * meaning, no closure per token.
 */
import { EmbeddedActionsParser, type IToken } from './chevrotain.js';
import type { SxpList, SxpNode } from './model.js';
import { allTokens, Atom, EndOfText, LParen, RParen, Scalar } from './tokens.js';
import { atomValue, quotedValue, type DecodeContext } from './decode.js';
import { SxpSyntaxError } from './syntax-error.js';

/**
 * xend's configs nest a handful of levels (domain → device → vbd → key). The
 * limit keeps corrupt or hostile input from overflowing the stack of this
 * recursive parser (and of the writer), with an error instead of a crash.
 */
export const MAX_NESTING = 128;

const NO_POSITION = { line: 0, column: 0, offset: 0 };
const RELEASED: DecodeContext = { byteMode: false, positionAt: () => NO_POSITION };

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
        if (!this.RECORDING_PHASE) this.items.push(list);
      },
    },
    {
      ALT: () => {
        const t = this.CONSUME(Scalar);
        if (!this.RECORDING_PHASE) this.items.push(this.scalar(t));
      },
    },
  ];

  private readonly listItem = () => this.OR(this.itemAlternatives);

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

  /** Drop every reference to the last input once its result (or error) has been taken. */
  release(): void {
    this.input = [];
    this.items = [];
    this.openLists = [];
    this.ctx = RELEASED;
  }

  document = this.RULE('document', (): SxpNode[] => {
    const forms = this.items;
    this.MANY(this.listItem);
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
    const recording = this.RECORDING_PHASE;
    // Position taken before the children so the line table is walked forwards only.
    const node: SxpList = { kind: 'list', items: [], pos: recording ? NO_POSITION : this.ctx.positionAt(open.startOffset) };
    const outer = this.items;
    if (!recording) {
      this.items = node.items;
      if (this.openLists.push(open) > MAX_NESTING) throw this.tooDeep(open);
    }
    this.MANY(this.listItem);
    this.CONSUME(RParen);
    if (!recording) {
      this.items = outer;
      this.openLists.pop();
    }
    return node;
  });

  private tooDeep(open: IToken): SxpSyntaxError {
    return new SxpSyntaxError('SXP_TOO_DEEP', `lists are nested more than ${MAX_NESTING} levels deep`, {
      file: this.ctx.file,
      position: this.ctx.positionAt(open.startOffset),
      hint: 'xend configs nest only a few levels; the file is probably corrupt — restore it from a backup',
    });
  }

  private scalar(t: IToken): SxpNode {
    const value = t.tokenType === Atom ? atomValue(t.image, this.ctx) : quotedValue(t.image, t.startOffset, this.ctx);
    return { kind: 'atom', value, pos: this.ctx.positionAt(t.startOffset) };
  }
}

/** The shared instance (grammar analysis is expensive; parsing state is per call). */
export const sxpParser = new SxpParser();
