/**
 * The SXP document model. xend's reader (`xen/xend/sxp.py`) has exactly two
 * kinds of value: strings (atoms — xend has no numbers) and lists. Every node
 * keeps where it started so that converters and inventories can point at the
 * exact line a warning is about.
 */
import type { SourcePosition } from '../errors.js';

export interface SxpAtom {
  kind: 'atom';
  value: string;
  pos: SourcePosition;
}

export interface SxpList {
  kind: 'list';
  items: SxpNode[];
  /** Position of the opening parenthesis. */
  pos: SourcePosition;
}

export type SxpNode = SxpAtom | SxpList;

/** A parsed file: its top-level forms in order (xend reads several). */
export interface SxpDocument {
  file?: string;
  forms: SxpNode[];
}

export function isAtom(n: SxpNode | undefined): n is SxpAtom {
  return n !== undefined && n.kind === 'atom';
}

export function isList(n: SxpNode | undefined): n is SxpList {
  return n !== undefined && n.kind === 'list';
}

/** The head atom's value of a list (`(vbd …)` → `vbd`), or undefined. */
export function nameOf(n: SxpNode | undefined): string | undefined {
  if (!isList(n)) return undefined;
  const head = n.items[0];
  return isAtom(head) ? head.value : undefined;
}

/** Every child list whose head is `key`, in order (xend's `sxp.children`). */
export function children(list: SxpList, key?: string): SxpList[] {
  const out: SxpList[] = [];
  for (let i = 1; i < list.items.length; i++) {
    const item = list.items[i];
    if (isList(item) && (key === undefined || nameOf(item) === key)) out.push(item);
  }
  return out;
}

/** First child list whose head is `key` (xend's `sxp.child`): first occurrence wins. */
export function child(list: SxpList, key: string): SxpList | undefined {
  for (let i = 1; i < list.items.length; i++) {
    const item = list.items[i];
    if (isList(item) && nameOf(item) === key) return item;
  }
  return undefined;
}

/**
 * xend's `sxp.child_value`: the first element after the head of the first
 * child named `key`. `(k)`, `(k )` and `(k '')` all mean "empty": the first two
 * give undefined, the third ''. Callers treat both as absent via {@link childString}.
 */
export function childNode(list: SxpList, key: string): SxpNode | undefined {
  return child(list, key)?.items[1];
}

/** Atom value of `(key value)`, with position; undefined when absent, empty, or a list. */
export function childAtom(list: SxpList, key: string): SxpAtom | undefined {
  const v = childNode(list, key);
  return isAtom(v) ? v : undefined;
}

/** String value of `(key value)`; '' and missing both come back as undefined. */
export function childString(list: SxpList, key: string): string | undefined {
  const v = childAtom(list, key)?.value;
  return v === undefined || v === '' ? undefined : v;
}

/** Plain-data view (atoms → strings, lists → arrays), used by `parse --json` and tests. */
export type PlainSxp = string | PlainSxp[];

export function toPlain(n: SxpNode): PlainSxp {
  return n.kind === 'atom' ? n.value : n.items.map(toPlain);
}
