/**
 * Printing SXP the way xend wrote config.sxp: `sxp.show` for atoms and
 * `PrettyPrint.prettyprint` for layout (Xen 4.4). Used for backups of what was
 * converted, `xend2libxl parse`, and round-trip tests.
 *
 * The pretty printer reduces to one rule: a list that fits in what is left of
 * the line is printed on one line; otherwise its first item follows the `(`,
 * every further item goes on its own line indented 4 past the `(`, and the `)`
 * goes on its own line under the `(`.
 */
import type { SxpDocument, SxpNode } from './model.js';

export interface WriteSxpOptions {
  /** Line width; xend used 78 for config.sxp and 80 for `xm list -l`. */
  width?: number;
  /**
   * How to print the empty string: `quoted` (`''`, Xen 4.1 and later) or
   * `bare` (nothing at all, as Xen 3.x–4.0 did — which re-reads as "no value").
   */
  emptyString?: 'quoted' | 'bare';
}

/** A document (or a list of forms) in xend's layout, each top-level form followed by a newline. */
export function writeSxp(doc: SxpDocument | readonly SxpNode[], opts: WriteSxpOptions = {}): string {
  const forms = Array.isArray(doc) ? (doc as readonly SxpNode[]) : (doc as SxpDocument).forms;
  const w = new LayoutWriter(opts.width ?? 78, opts.emptyString ?? 'quoted');
  for (const f of forms) w.form(f);
  return w.out;
}

/** One form on a single line (`sxp.show`), no trailing newline. */
export function showSxp(node: SxpNode, opts: Pick<WriteSxpOptions, 'emptyString'> = {}): string {
  return flat(node, opts.emptyString ?? 'quoted');
}

/** xend's `atomp`: values printed bare. Everything else goes through Python 2 `repr`. */
const ATOM_SAFE = /^(?:[A-Za-z0-9._:/~-]+|@)$/;

/** An atom as `sxp.show` prints it: bare when atom-safe, else Python 2 `repr` of its UTF-8 bytes. */
export function showAtom(value: string, emptyString: 'quoted' | 'bare' = 'quoted'): string {
  if (value === '') return emptyString === 'quoted' ? "''" : '';
  if (ATOM_SAFE.test(value)) return value;
  return pythonRepr(Buffer.from(value, 'utf8'));
}

/** Python 2 `repr()` of a byte string: single quotes unless only double quotes avoid escaping. */
function pythonRepr(bytes: Uint8Array): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? 0x22 : 0x27;
  let s = String.fromCharCode(quote);
  for (const b of bytes) {
    if (b === quote || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0a) s += '\\n';
    else if (b === 0x0d) s += '\\r';
    else if (b < 0x20 || b >= 0x7f) s += '\\x' + b.toString(16).padStart(2, '0');
    else s += String.fromCharCode(b);
  }
  return s + String.fromCharCode(quote);
}

function flat(node: SxpNode, empty: 'quoted' | 'bare'): string {
  if (node.kind === 'atom') return showAtom(node.value, empty);
  return '(' + node.items.map((n) => flat(n, empty)).join(' ') + ')';
}

class LayoutWriter {
  out = '';
  /** Characters on the current line so far (PrettyPrint's `Line.used`). */
  private column = 0;
  /** Flat widths, computed once per list: layout asks for them at every level. */
  private readonly widths = new Map<SxpNode, number>();

  constructor(
    private readonly width: number,
    private readonly empty: 'quoted' | 'bare',
  ) {}

  form(node: SxpNode): void {
    this.column = 0;
    if (node.kind === 'atom') this.emit(showAtom(node.value, this.empty));
    else this.list(node);
    this.out += '\n';
  }

  private node(node: SxpNode): void {
    if (node.kind === 'atom') this.emit(showAtom(node.value, this.empty));
    else this.list(node);
  }

  private list(node: SxpNode & { kind: 'list' }): void {
    if (this.width - this.column >= this.flatWidth(node)) {
      this.emit(flat(node, this.empty));
      return;
    }
    const indent = this.column;
    this.emit('(');
    node.items.forEach((item, i) => {
      if (i > 0) this.newline(indent + 4);
      this.node(item);
    });
    this.newline(indent);
    this.emit(')');
  }

  private flatWidth(node: SxpNode): number {
    if (node.kind === 'atom') return showAtom(node.value, this.empty).length;
    let w = this.widths.get(node);
    if (w === undefined) {
      w = 2 + Math.max(0, node.items.length - 1);
      for (const item of node.items) w += this.flatWidth(item);
      this.widths.set(node, w);
    }
    return w;
  }

  private emit(s: string): void {
    this.out += s;
    this.column += s.length;
  }

  private newline(indent: number): void {
    this.out += '\n' + ' '.repeat(indent);
    this.column = indent;
  }
}
