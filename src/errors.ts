/**
 * Typed errors shared by every layer. The core throws these and never prints or
 * exits; the CLI prints them (`PATH:LINE:COL: error: MESSAGE` when they have a position, else `xend2libxl: error: MESSAGE (WHERE)`) with a `hint:` line and picks the exit code.
 */

/** A place in a source file. Lines and columns are 1-based, offsets 0-based. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

export class Xend2LibxlError extends Error {
  /** Stable machine-readable code, e.g. `SXP_UNTERMINATED_STRING`. */
  readonly code: string;
  /** File the error is about, when there is one. */
  file?: string;
  /** Where in `file` the problem is, when known. */
  position?: SourcePosition;
  /** One line telling the user what to do about it. */
  hint?: string;

  constructor(code: string, message: string, opts: { file?: string; position?: SourcePosition; hint?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.code = code;
    this.file = opts.file;
    this.position = opts.position;
    this.hint = opts.hint;
  }
}

/** Wrong command-line usage: exit code 2. */
export class UsageError extends Xend2LibxlError {
  constructor(message: string, hint?: string) {
    super('USAGE', message, { hint });
  }
}
