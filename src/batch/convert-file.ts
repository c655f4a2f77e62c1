/**
 * One input file → one result with its XML (or, for a multi-domain `xm list -l`
 * dump, one result per domain). Runs on the main thread or in a worker; it
 * reads the file but writes nothing (outputs are written by the main thread or
 * the output thread, output-writer.ts). The read is synchronous on purpose:
 * config files are a few KiB, and a thread-pool round trip per file costs more
 * than the call itself (measured with bench/batch.js). It goes through
 * readConfigFileSync: a FIFO, a device or a file over 16 MiB is one failed
 * input, never a hang or an out-of-memory death.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { convertSxpDocument, type ConversionResult, type XendDefaults } from '../convert/api.js';
import { convertXmConfigText } from '../convert/from-xmcfg.js';
import { looksLikeXmConfig } from '../xmcfg/index.js';
import { Xend2LibxlError } from '../errors.js';
import { parseSxp } from '../sxp/index.js';
import { ConfigReadError, readConfigFileSync } from '../sxp/read-file.js';
import { domainForms } from './domain-forms.js';
import { BATCH_CODES, type InputResult } from './types.js';

/** How standard input (`-`) is shown in diagnostics and reports, as compilers do. */
export const STDIN_NAME = '<stdin>';

export interface ConvertFileOptions {
  cwd: string;
  xendDefaults?: XendDefaults;
  /** The bytes of standard input, read once by the caller, for the input `-`. */
  stdin?: Uint8Array;
}

export function convertFile(source: string, opts: ConvertFileOptions): InputResult {
  const started = performance.now();
  const result = convertToResult(source, opts);
  result.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return result;
}

function convertToResult(arg: string, opts: ConvertFileOptions): InputResult {
  const source = arg === '-' ? STDIN_NAME : arg;
  let bytes: Uint8Array;
  try {
    if (arg !== '-') bytes = readConfigFileSync(path.resolve(opts.cwd, arg));
    else if (opts.stdin) bytes = opts.stdin;
    else return failed(source, BATCH_CODES.INPUT_UNREADABLE, 'standard input was not read', 'name `-` once only');
  } catch (e) {
    const err = e as ConfigReadError;
    return failed(source, BATCH_CODES.INPUT_UNREADABLE, err instanceof ConfigReadError ? err.describe('input') : `cannot read input: ${String(e)}`, err.hint);
  }
  try {
    // xm/xl domain configs (`/etc/xen/NAME.cfg`, or any input that reads like one): their own reader, the same
    // model and XML; the derived uuid is keyed on the real path (on the name alone for standard input).
    if (arg.endsWith('.cfg') || looksLikeXmConfig(bytes)) {
      const uuidPath = arg === '-' ? '' : realPath(path.resolve(opts.cwd, arg));
      return fromConversion(source, convertXmConfigText(bytes, { file: source, uuidPath, xendDefaults: opts.xendDefaults }));
    }
    let doc;
    try {
      doc = parseSxp(bytes, { file: source });
    } catch (e) {
      if (e instanceof Xend2LibxlError) return fromConversion(source, { ok: false, warnings: [], error: e });
      throw e;
    }
    // A dump of several domains (`xm list -l` without a name): one result per domain, in file order.
    const [first, ...rest] = domainForms(doc).map((d) => fromConversion(source, convertSxpDocument(d, { file: source, xendDefaults: opts.xendDefaults })));
    if (rest.length > 0) first.more = rest;
    return first;
  } catch (e) {
    // A converter bug must cost one input, not the batch.
    return failed(source, BATCH_CODES.INTERNAL, `the converter failed unexpectedly: ${(e as Error).message}`, 'this is a bug; please report it with the input file');
  }
}

function fromConversion(source: string, r: ConversionResult): InputResult {
  const d = r.domain;
  const pos = r.error?.position;
  return {
    source,
    ok: r.ok && r.xml !== undefined,
    domain: d ? { name: d.name, uuid: d.uuid, autostart: d.autostart, type: d.osType } : undefined,
    xml: r.ok ? r.xml : undefined,
    warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, line: w.line, column: w.column })),
    error: r.ok ? undefined : { code: r.error?.code ?? BATCH_CODES.INTERNAL, message: r.error?.message ?? 'conversion failed without a reason', line: pos?.line, column: pos?.column, hint: r.error?.hint },
    durationMs: 0,
  };
}

/** The path a derived uuid is keyed on: the same file reached through a link gives the same uuid (inventory does the same). */
function realPath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function failed(source: string, code: string, message: string, hint?: string): InputResult {
  return { source, ok: false, warnings: [], error: hint === undefined ? { code, message } : { code, message, hint }, durationMs: 0 };
}
