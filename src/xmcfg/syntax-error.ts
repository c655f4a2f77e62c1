import { Xend2LibxlError, type SourcePosition } from '../errors.js';

/** Codes of {@link XmcfgSyntaxError}: one per problem an admin can fix in the .cfg. */
export type XmcfgErrorCode =
  | 'XMCFG_PYTHON_CODE'
  | 'XMCFG_UNTERMINATED_STRING'
  | 'XMCFG_UNCLOSED_LIST'
  | 'XMCFG_UNEXPECTED_TOKEN'
  | 'XMCFG_INVALID_CHARACTER'
  | 'XMCFG_NOT_XL'
  | 'XMCFG_NO_SETTINGS'
  | 'XMCFG_TOO_DEEP';

/** An xm/xl config our data-only reader cannot (or must not) read. */
export class XmcfgSyntaxError extends Xend2LibxlError {
  declare readonly code: XmcfgErrorCode;

  constructor(code: XmcfgErrorCode, message: string, opts: { file?: string; position: SourcePosition; hint?: string }) {
    super(code, message, opts);
  }
}
