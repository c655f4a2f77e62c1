/**
 * A config value inside a message: single-quoted, control characters shown as
 * escapes (the rendering rule of src/diagnostics.ts), so a value can never move
 * the cursor or forge a diagnostic line.
 */
import { escapeControls } from '../diagnostics.js';

export function quote(value: string): string {
  return `'${escapeControls(value)}'`;
}
