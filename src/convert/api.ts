/**
 * Facade of the converter: text in, model + XML + warnings out. Pure: no I/O.
 *
 * CONTRACT used by the CLI, batch conversion, inventory and upgrade. Keep these
 * signatures; the implementation behind them belongs to src/convert.
 */
import type { Diagnostic } from '../diagnostics.js';
import { Xend2LibxlError } from '../errors.js';
import { parseSxp } from '../sxp/index.js';
import type { SxpDocument } from '../sxp/model.js';
import type { DomainModel } from './model.js';
import { modelToXml } from './model-to-xml.js';
import { ReadContext } from './read-context.js';
import { readXendDomain } from './read-xend-config.js';
import { validateModel } from './validate-model.js';

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

export function convertSxpText(text: string | Uint8Array, opts: ConvertOptions = {}): ConversionResult {
  let doc: SxpDocument;
  try {
    doc = parseSxp(text, { file: opts.file });
  } catch (e) {
    if (e instanceof Xend2LibxlError) return { ok: false, warnings: [], error: e };
    throw e;
  }
  return convertSxpDocument(doc, opts);
}

/** Convert a document the caller already parsed (the inventory reads identity from it first). */
export function convertSxpDocument(doc: SxpDocument, opts: ConvertOptions = {}): ConversionResult {
  const ctx = new ReadContext(opts.file, opts.xendDefaults);
  let domain: DomainModel | undefined;
  try {
    domain = readXendDomain(ctx, doc);
    validateModel(ctx, domain);
    return { ok: true, domain, xml: modelToXml(domain), warnings: bySourcePosition(ctx.warnings) };
  } catch (e) {
    if (e instanceof Xend2LibxlError) return { ok: false, domain, warnings: bySourcePosition(ctx.warnings), error: e };
    throw e;
  }
}

/** Warnings in file order, so they read top to bottom like the config (stable for equal positions). */
export function bySourcePosition(ws: Diagnostic[]): Diagnostic[] {
  // Most files have no warning or already emit them in order: no sort, no copies.
  if (ws.every((w, i) => i === 0 || compare(ws[i - 1], w) <= 0)) return ws;
  return ws
    .map((w, i) => ({ w, i }))
    .sort((a, b) => compare(a.w, b.w) || a.i - b.i)
    .map(({ w }) => w);
}

function compare(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

/** Convert an already-built model (xm/xl importers, tests): validation + XML. */
export function convertModel(domain: DomainModel, opts: { file?: string } = {}): ConversionResult {
  const ctx = new ReadContext(opts.file);
  try {
    validateModel(ctx, domain);
    return { ok: true, domain, xml: modelToXml(domain), warnings: ctx.warnings };
  } catch (e) {
    if (e instanceof Xend2LibxlError) return { ok: false, domain, warnings: ctx.warnings, error: e };
    throw e;
  }
}
