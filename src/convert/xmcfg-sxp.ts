/**
 * Building the SXP that `xm create --dryrun` would print for a config: the
 * xm/xl importer hands that to the same reader as xend's own config.sxp, so
 * both paths share one vocabulary, one set of warnings and one XML writer.
 * Every synthetic node carries the position of the .cfg text it came from.
 */
import type { SourcePosition } from '../errors.js';
import type { SxpAtom, SxpList, SxpNode } from '../sxp/model.js';
import { scalarText, type XmValue } from '../xmcfg/model.js';

export const atom = (value: string, pos: SourcePosition): SxpAtom => ({ kind: 'atom', value, pos });

/** `(key value…)` with every part at `pos`. */
export function pair(key: string, value: string | SxpNode, pos: SourcePosition): SxpList {
  return { kind: 'list', items: [atom(key, pos), typeof value === 'string' ? atom(value, pos) : value], pos };
}

export function list(head: string, items: SxpNode[], pos: SourcePosition): SxpList {
  return { kind: 'list', items: [atom(head, pos), ...items], pos };
}

/** A cfg value as an SXP node: scalars become atoms, lists become lists of their items. */
export function valueNode(v: XmValue): SxpNode {
  if (v.kind === 'list') return { kind: 'list', items: v.items.map(valueNode), pos: v.pos };
  return atom(scalarText(v) ?? '', v.pos);
}

/** The items of a list setting; a lone string counts as a one-item list (xm accepted both). */
export function listItems(v: XmValue | undefined): XmValue[] {
  if (!v || v.kind === 'none') return [];
  return v.kind === 'list' ? v.items : [v];
}

/** `k=v,k=v` device specs (vif, vfb, pci options): the last occurrence wins, as in xm and xl. */
export function keyValues(spec: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const k = part.slice(0, eq).trim();
    out.set(k, part.slice(eq + 1).trim());
  }
  return out;
}
