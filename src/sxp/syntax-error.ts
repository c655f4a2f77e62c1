import { Xend2LibxlError, type SourcePosition } from '../errors.js';

/**
 * Codes of {@link SxpSyntaxError}: one per problem an admin can fix in the file.
 */
export type SxpErrorCode =
  | 'SXP_UNTERMINATED_STRING'
  | 'SXP_UNEXPECTED_CLOSE'
  | 'SXP_UNEXPECTED_EOF'
  | 'SXP_INVALID_CHARACTER'
  | 'SXP_INVALID_ESCAPE'
  | 'SXP_INVALID_ENCODING'
  | 'SXP_NO_CONFIGURATION'
  | 'SXP_TOO_DEEP';

/** A config.sxp that xend's own reader would also have refused (or misread). */
export class SxpSyntaxError extends Xend2LibxlError {
  declare readonly code: SxpErrorCode;

  constructor(code: SxpErrorCode, message: string, opts: { file?: string; position: SourcePosition; hint?: string }) {
    super(code, message, opts);
  }
}
