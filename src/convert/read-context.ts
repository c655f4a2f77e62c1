/**
 * State shared by the SXP readers while one config is converted: where the
 * text came from, xend-config defaults, and the warnings collected so far.
 */
import type { Diagnostic } from '../diagnostics.js';
import { Xend2LibxlError, type SourcePosition } from '../errors.js';
import type { XendDefaults } from './api.js';
import type { ConvertErrorCode, WarningCode } from './warning-codes.js';

export interface Positioned {
  pos: SourcePosition;
}

export class ReadContext {
  readonly warnings: Diagnostic[] = [];

  constructor(
    readonly file: string | undefined,
    readonly defaults: XendDefaults = {},
  ) {}

  warn(code: WarningCode, message: string, at?: Positioned): void {
    this.warnings.push({
      code,
      message,
      severity: 'warning',
      file: this.file,
      line: at?.pos.line,
      column: at?.pos.column,
    });
  }

  /** A conversion error: thrown, caught by convertSxpText and returned as `error`. */
  fail(code: ConvertErrorCode, message: string, at?: Positioned, hint?: string): never {
    throw new ConvertError(code, message, { file: this.file, position: at?.pos, hint });
  }
}

/** Why a config cannot become a libvirt domain. */
export class ConvertError extends Xend2LibxlError {}
