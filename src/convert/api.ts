/**
 * Facade of the converter: text in, model + XML + warnings out. Pure: no I/O.
 *
 * CONTRACT used by the CLI, batch conversion, inventory and upgrade. Keep these
 * signatures; the implementation behind them belongs to src/convert.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { Xend2LibxlError } from '../errors.js';
import type { DomainModel } from './model.js';

/** Defaults xend applied from /etc/xen/xend-config.sxp (vif-script, vnc-listen, vncpasswd, keymap). */
export interface XendDefaults {
  vifScript?: string;
  vncListen?: string;
  vncPassword?: string;
  keymap?: string;
}

export interface ConvertOptions {
  /** Path shown in diagnostics. */
  file?: string;
  xendDefaults?: XendDefaults;
}

export interface ConversionResult {
  ok: boolean;
  /** Present when the config could be read into a model (even if it was then rejected). */
  domain?: DomainModel;
  /** libvirt domain XML; present when ok. */
  xml?: string;
  warnings: Diagnostic[];
  /** Why it failed (syntax error with position, or an invalid result such as a bad name). */
  error?: Xend2LibxlError;
}

export function convertSxpText(_text: string | Uint8Array, _opts: ConvertOptions = {}): ConversionResult {
  throw new Error('convertSxpText: not implemented yet (issue 3)');
}
