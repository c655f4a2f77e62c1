/**
 * One input file → one result. Runs on the main thread or in a worker; reads
 * the file and, with an output directory, writes the XML to a temp file there,
 * so that the converting threads share the I/O as well as the CPU (creating a
 * file is the most expensive system call of a batch). The I/O is synchronous
 * on purpose: config files are a few KiB, and a thread-pool round trip per file
 * costs more than the call itself (measured with bench/batch.js).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertSxpText, type XendDefaults } from '../convert/api.js';
import type { Xend2LibxlError } from '../errors.js';
import { writeTemp } from './atomic-write.js';
import { isUsableFileName } from './output-name.js';
import { BATCH_CODES, type Converted, type InputResult } from './types.js';

export interface ConvertFileOptions {
  cwd: string;
  xendDefaults?: XendDefaults;
  /** Absolute output directory: write each converted XML to a temp file there. */
  outDir?: string;
  /** Keep the XML in the result even when it went to a temp file (schema validation reads it). */
  keepXml?: boolean;
  /** --strict: a result with warnings will be rejected whatever else happens, so it gets no temp file. */
  strict?: boolean;
}

export function convertFile(source: string, opts: ConvertFileOptions): Converted {
  const started = performance.now();
  const result = convertToResult(source, opts);
  const converted: Converted = { result };
  const name = result.domain?.name;
  const rejected = opts.strict === true && result.warnings.length > 0;
  if (opts.outDir !== undefined && result.ok && !rejected && result.xml !== undefined && name !== undefined && isUsableFileName(name)) {
    try {
      converted.temp = writeTemp(opts.outDir, result.xml);
    } catch (e) {
      const err = e as Xend2LibxlError;
      converted.tempError = { code: err.code ?? BATCH_CODES.OUTPUT_WRITE_FAILED, message: err.message };
    }
  }
  // Whatever is not in a temp file will not be written: no need to carry it back to the main thread.
  if (opts.outDir !== undefined && !opts.keepXml) delete result.xml;
  result.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return converted;
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory that could not be listed',
  EACCES: 'permission denied (xend kept its configs root-only: run as root)',
  EPERM: 'operation not permitted',
};

function convertToResult(source: string, opts: ConvertFileOptions): InputResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(opts.cwd, source));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = READ_ERRORS[err.code ?? ''] ?? err.code ?? err.message;
    return { source, ok: false, warnings: [], error: { code: BATCH_CODES.INPUT_UNREADABLE, message: `cannot read input: ${why}` }, durationMs: 0 };
  }
  try {
    const r = convertSxpText(bytes, { file: source, xendDefaults: opts.xendDefaults });
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
  } catch (e) {
    // A converter bug must cost one input, not the batch.
    return {
      source,
      ok: false,
      warnings: [],
      error: { code: BATCH_CODES.INTERNAL, message: `the converter failed unexpectedly: ${(e as Error).message}`, hint: 'this is a bug; please report it with the input file' },
      durationMs: 0,
    };
  }
}
