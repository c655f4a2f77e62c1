/**
 * A config value inside a message: single-quoted, control characters shown as
 * escapes, so a value can never move the cursor or forge a diagnostic line.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function quote(value: string): string {
  return `'${value.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}
