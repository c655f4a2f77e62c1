/**
 * xend's `sxp.child` (first child list whose head is `key`) answered from an
 * index built once per list. A converter asks a ~50-item `(domain …)` list
 * dozens of questions, most of them about keys that are absent (a full scan
 * each time); with the index each question is one hash lookup.
 *
 * Same answers as {@link child} in model.ts, which stays the reference
 * (test/sxp/key-index.test.ts compares the two). The index is stored on the
 * list, invisibly (see INDEX), and goes away with its document. It assumes a
 * parsed document is not mutated afterwards, which holds throughout the code
 * base: nothing edits `items` after parsing.
 */
import type { SxpList, SxpNode } from './model.js';

/** Up to this many items a linear scan beats building a map (device blocks, `(dev …)` pairs). */
const SCAN_LIMIT = 12;

/**
 * Where a list keeps its index: a non-enumerable symbol property, so JSON,
 * `toPlain`, `Object.keys` and deep equality in tests see the list unchanged.
 * (A WeakMap cost more than the lookups it served: its insertions and its
 * ephemeron bookkeeping in every garbage collection.)
 */
const INDEX = Symbol('xend2libxl.keyIndex');

type IndexedList = SxpList & { [INDEX]?: Map<string, SxpList> };

/** First child list whose head atom is `key`, or undefined: xend's `sxp.child`. */
export function firstChild(list: SxpList, key: string): SxpList | undefined {
  const items = list.items;
  if (items.length <= SCAN_LIMIT) return scan(items, key);
  let index = (list as IndexedList)[INDEX];
  if (index === undefined) {
    index = buildIndex(items);
    Object.defineProperty(list, INDEX, { value: index });
  }
  return index.get(key);
}

function scan(items: SxpNode[], key: string): SxpList | undefined {
  for (let i = 1; i < items.length; i++) {
    const item = items[i];
    if (item.kind === 'list') {
      const head = item.items[0];
      if (head !== undefined && head.kind === 'atom' && head.value === key) return item;
    }
  }
  return undefined;
}

function buildIndex(items: SxpNode[]): Map<string, SxpList> {
  const index = new Map<string, SxpList>();
  // Backwards, so that the first occurrence of a key is the one written last (xend: first wins).
  for (let i = items.length - 1; i >= 1; i--) {
    const item = items[i];
    if (item.kind !== 'list') continue;
    const head = item.items[0];
    if (head !== undefined && head.kind === 'atom') index.set(head.value, item);
  }
  return index;
}
