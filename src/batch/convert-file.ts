/**
 * One input file → one result with its XML. Runs on the main thread or in a
 * worker; it reads the file but writes nothing (outputs are written by the
 * main thread or the output thread, output-writer.ts). The read is synchronous
 * on purpose: config files are a few KiB, and a thread-pool round trip per
 * file costs more than the call itself (measured with bench/batch.js).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertSxpText, type XendDefaults } from '../convert/api.js';
import { BATCH_CODES, type InputResult } from './types.js';

export interface ConvertFileOptions {
  cwd: string;
  xendDefaults?: XendDefaults;
}

export function convertFile(source: string, opts: ConvertFileOptions): InputResult {
  const started = performance.now();
  const result = convertToResult(source, opts);
  result.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return result;
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
