/**
 * Typed views over xend's all-strings SXP values, with xend's own parsing
 * rules (first occurrence wins, `(k)` ≡ `(k '')` ≡ absent, ints in base 10 or 0x).
 */
import { firstChild } from '../sxp/key-index.js';
import { isAtom, isList, type SxpAtom, type SxpList, type SxpNode } from '../sxp/model.js';
import type { ReadContext } from './read-context.js';

/** Non-empty atom value with its position. */
export function atomVal(list: SxpList | undefined, key: string): SxpAtom | undefined {
  if (!list) return undefined;
  const a = firstChild(list, key)?.items[1];
  return a !== undefined && a.kind === 'atom' && a.value !== '' ? a : undefined;
}

export function strVal(list: SxpList | undefined, key: string): string | undefined {
  return atomVal(list, key)?.value;
}

/** `0x1f`, `31`, `-1`, `1.0` (3.0.x floats), `'3'` (quoted longs) → number; anything else undefined. */
export function parseXendNumber(s: string): number | undefined {
  const t = s.trim();
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
  if (/^[+-]?\d+(\.\d*)?$/.test(t)) return Math.trunc(Number(t));
  return undefined;
}

/** Integer value of `(key N)`; a value that is not a number is a conversion error (xend would have failed too). */
export function intVal(ctx: ReadContext, list: SxpList | undefined, key: string): number | undefined {
  const a = atomVal(list, key);
  if (!a) return undefined;
  const n = parseXendNumber(a.value);
  if (n === undefined) ctx.fail('INVALID_NUMBER', `\`${key}\` must be a number, found '${a.value}'`, a, 'Fix the value in the config and convert again.');
  return n;
}

/** xend's bool0 plus the spellings xm and XenAPI wrote: 1/0, True/False, yes/no, on/off. */
export function parseXendBool(s: string): boolean | undefined {
  const t = s.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(t)) return true;
  if (['0', 'false', 'no', 'off'].includes(t)) return false;
  const n = parseXendNumber(t);
  return n === undefined ? undefined : n !== 0;
}

export function boolVal(ctx: ReadContext, list: SxpList | undefined, key: string): boolean | undefined {
  const a = atomVal(list, key);
  if (!a) return undefined;
  const b = parseXendBool(a.value);
  if (b === undefined) ctx.warn('INVALID_VALUE', `\`${key}\` should be 0 or 1, found '${a.value}'; the setting is ignored`, a);
  return b;
}

/**
 * XenAPI dicts are stored as a list of pairs: `(platform ((acpi 1) (apic 1)))`.
 * Returns a list that the usual accessors can query, or undefined.
 */
export function dictVal(list: SxpList | undefined, key: string): SxpList | undefined {
  if (!list) return undefined;
  const c = firstChild(list, key);
  const body = c?.items[1];
  if (!c || !isList(body)) return undefined;
  const head: SxpAtom = { kind: 'atom', value: key, pos: c.pos };
  // `((a 1) (b 2))` → pairs are the items; a bare `(k v)` body (hand-written) is a single pair.
  const pairs: SxpNode[] = isAtom(body.items[0]) ? [body, ...c.items.slice(2)] : body.items;
  return { kind: 'list', items: [head, ...pairs], pos: c.pos };
}

/** The first list among the items after the head: `(device (vbd …))` → `(vbd …)`. */
export function firstListItem(list: SxpList | undefined): SxpList | undefined {
  if (!list) return undefined;
  const items = list.items;
  for (let i = 1; i < items.length; i++) {
    const item = items[i];
    if (item.kind === 'list') return item;
  }
  return undefined;
}
