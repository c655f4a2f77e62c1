/**
 * One input file → one result. Runs on the main thread or in a worker; reads
 * the file itself so that workers share the I/O as well as the CPU. The read is
 * synchronous on purpose: config files are a few KiB, and a thread-pool round
 * trip per file costs more than the read (measured with bench/batch.js).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { convertSxpText, type XendDefaults } from '../convert/api.js';
import { BATCH_CODES, type InputResult } from './types.js';

export interface ConvertFileOptions {
  cwd: string;
  xendDefaults?: XendDefaults;
}

export async function convertFile(source: string, opts: ConvertFileOptions): Promise<InputResult> {
  const started = performance.now();
  const done = (r: Omit<InputResult, 'durationMs'>): InputResult => ({ ...r, durationMs: Math.round((performance.now() - started) * 1000) / 1000 });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path.resolve(opts.cwd, source));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOENT' ? 'no such file' : err.code === 'EISDIR' ? 'is a directory' : (err.code ?? err.message);
    return done({ source, ok: false, warnings: [], error: { code: BATCH_CODES.INPUT_UNREADABLE, message: `cannot read input: ${why}` } });
  }
  try {
    const r = convertSxpText(bytes, { file: source, xendDefaults: opts.xendDefaults });
    const d = r.domain;
    const pos = r.error?.position;
    return done({
      source,
      ok: r.ok && r.xml !== undefined,
      domain: d ? { name: d.name, uuid: d.uuid, autostart: d.autostart, type: d.osType } : undefined,
      xml: r.ok ? r.xml : undefined,
      warnings: r.warnings.map((w) => ({ code: w.code, message: w.message, line: w.line, column: w.column })),
      error: r.ok ? undefined : { code: r.error?.code ?? BATCH_CODES.INTERNAL, message: r.error?.message ?? 'conversion failed without a reason', line: pos?.line, column: pos?.column, hint: r.error?.hint },
    });
  } catch (e) {
    // A converter bug must cost one input, not the batch.
    return done({ source, ok: false, warnings: [], error: { code: BATCH_CODES.INTERNAL, message: `the converter failed unexpectedly: ${(e as Error).message}`, hint: 'this is a bug; please report it with the input file' } });
  }
}
