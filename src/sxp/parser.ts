/**
 * The SXP grammar, building the document model directly in embedded actions
 * (no CST: one pass, fewer allocations). One instance is reused for every
 * parse, as Chevrotain recommends; `setup` resets the per-input state.
 *
 *   document := items EndOfText?       (Ctrl-D at top level ends the text)
 *   list     := '(' items ')'
 *   items    := Scalar* (list Scalar*)*   (Scalar = Atom | SingleQuoted | DoubleQuoted)
 *
 * `items` is `(list | Scalar)*` spelled so that a run of atoms — most lists are
 * `(key value)` — is one MANY loop with no alternative to choose per item
 * (Chevrotain's OR, taken once per item, was among the parser's largest costs).
 * Items are pushed on `this.stack` (see there), so the loop bodies
 * are built once and need no closure over per-call locals. Actions test
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
  /**
   * Items of every list being read, innermost last, with the document's forms
   * at the bottom: `stack[0..top)`. A list takes its own items as one array of
   * exactly the right size when it closes (takeItems); a fresh array per list
   * grown by push reserved 17 slots for the typical two-item `(key value)`.
   */
  private stack: SxpNode[] = [];
  private top = 0;
  /** Opening tokens of the lists being read, innermost last: says which list an early EOF left open. */
  openLists: IToken[] = [];
  /** A top-level Ctrl-D was seen: what follows it is not part of the configuration. */
  sawEndOfText = false;

  /** The `Scalar*` runs of `items`: two CONSUME occurrences, as Chevrotain numbers each use within a rule. */
  private readonly leadingScalar = () => {
    const t = this.CONSUME(Scalar);
    if (!this.RECORDING_PHASE) this.stack[this.top++] = this.scalar(t);
  };

  private readonly trailingScalar = () => {
    const t = this.CONSUME2(Scalar);
    if (!this.RECORDING_PHASE) this.stack[this.top++] = this.scalar(t);
  };

  private readonly listThenScalars = () => {
    const list = this.SUBRULE(this.list);
    if (!this.RECORDING_PHASE) this.stack[this.top++] = list;
    this.MANY3(this.trailingScalar);
  };

  /** `items`, inlined into both rules (Chevrotain rules are the unit of lookahead analysis). */
  private readItems(): void {
    this.MANY(this.leadingScalar);
    this.MANY2(this.listThenScalars);
  }

  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  setup(tokens: IToken[], ctx: DecodeContext): void {
    this.input = tokens;
    this.ctx = ctx;
    this.top = 0;
    this.openLists = [];
    this.sawEndOfText = false;
  }

  /** Drop every reference to the last input once its result (or error) has been taken. */
  release(): void {
    this.input = [];
    this.stack = [];
    this.top = 0;
    this.openLists = [];
    this.ctx = RELEASED;
  }

  document = this.RULE('document', (): SxpNode[] => {
    this.readItems();
    this.OPTION(() => {
      this.CONSUME(EndOfText);
      this.ACTION(() => {
        this.sawEndOfText = true;
      });
    });
    return this.stack.slice(0, this.top);
  });

  private list = this.RULE('list', (): SxpList => {
    const open = this.CONSUME(LParen);
    const recording = this.RECORDING_PHASE;
    // Position taken before the children so the line table is walked forwards only.
    const pos = recording ? NO_POSITION : this.ctx.positionAt(open.startOffset);
    const start = this.top;
    if (!recording && this.openLists.push(open) > MAX_NESTING) throw this.tooDeep(open);
    this.readItems();
    this.CONSUME(RParen);
    if (recording) return { kind: 'list', items: [], pos };
    const node: SxpList = { kind: 'list', items: this.takeItems(start), pos };
    this.top = start;
    this.openLists.pop();
    return node;
  });

  /**
   * The items from `start` to the top of the stack, as an exact-size array.
   * Most lists hold one or two items (`(key value)`, `(device (vbd …))`): an
   * array literal builds those at a fraction of the cost of a slice call.
   */
  private takeItems(start: number): SxpNode[] {
    const s = this.stack;
    switch (this.top - start) {
      case 0:
        return [];
      case 1:
        return [s[start]];
      case 2:
        return [s[start], s[start + 1]];
      default:
        return s.slice(start, this.top);
    }
  }

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
