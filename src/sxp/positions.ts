/**
 * Offset → line/column, from a table of line starts built once per input.
 * The lexer runs with `positionTracking: 'onlyOffset'` (cheaper), and the
 * parser asks for positions in increasing offset order, so a moving cursor
 * makes each lookup O(1) amortised. Lines end at LF only, as in xend's reader.
 */
import type { SourcePosition } from '../errors.js';

export class LineIndex {
  private readonly starts: number[] = [0];
  private cursor = 0;

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** 1-based line and column (UTF-16 units; bytes for non-UTF-8 input), 0-based offset. */
  at(offset: number): SourcePosition {
    const s = this.starts;
    let c = this.cursor;
    if (s[c] > offset) c = this.search(offset);
    else while (c + 1 < s.length && s[c + 1] <= offset) c++;
    this.cursor = c;
    return { line: c + 1, column: offset - s[c] + 1, offset };
  }

  private search(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
