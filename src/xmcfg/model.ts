/**
 * What an `xm`/`xl` domain config holds once read as data: settings
 * `key = value` in file order, each value a Python literal (xm) or a libxlu
 * value (xl). Every value keeps where it started, so the converter can point
 * warnings at FILE:LINE:COL of the .cfg.
 */
import type { SourcePosition } from '../errors.js';

export type XmDialect = 'xm' | 'xl' | 'auto';

export type XmValue =
  | { kind: 'string'; value: string; pos: SourcePosition }
  | { kind: 'number'; value: number; text: string; float: boolean; pos: SourcePosition }
  | { kind: 'bool'; value: boolean; pos: SourcePosition }
  | { kind: 'none'; pos: SourcePosition }
  | { kind: 'list'; items: XmValue[]; tuple: boolean; pos: SourcePosition };

export interface XmSetting {
  key: string;
  keyPos: SourcePosition;
  value: XmValue;
  /** xl's `key += [ … ]`: appends to the list set before. */
  append: boolean;
}

export interface XmConfig {
  file?: string;
  settings: XmSetting[];
}

/**
 * The effective value of `key`: the last assignment wins (the file is run top
 * to bottom), `+=` extends the list before it.
 */
export function settingValue(cfg: XmConfig, key: string): XmValue | undefined {
  let v: XmValue | undefined;
  for (const s of cfg.settings) {
    if (s.key !== key) continue;
    if (s.append && v?.kind === 'list' && s.value.kind === 'list') v = { ...v, items: [...v.items, ...s.value.items] };
    else v = s.value;
  }
  return v;
}

/** Keys in first-assignment order, each once. */
export function settingKeys(cfg: XmConfig): string[] {
  return [...new Set(cfg.settings.map((s) => s.key))];
}

/** A scalar as the string xm's option parser saw it (`str(value)`): numbers and booleans included. */
export function scalarText(v: XmValue | undefined): string | undefined {
  if (!v) return undefined;
  switch (v.kind) {
    case 'string':
      return v.value;
    case 'number':
      return v.float ? String(v.value) : String(Math.trunc(v.value));
    case 'bool':
      return v.value ? '1' : '0';
    default:
      return undefined;
  }
}
