/**
 * JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one
 * testcase per input, failure text = the diagnostics exactly as printed on
 * stderr. Test cases are streamed to a side file and assembled at the end, so
 * memory stays flat; the report appears atomically (temp + rename).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { removeStaleTemps, tempNameFor, writeErrorReason } from './atomic-write.js';
import { diagnosticLines } from './diagnostic-lines.js';
import type { BatchSummary, InputResult } from './types.js';

const SUITE = 'xend2libxl convert';

/** XML 1.0 cannot carry most control characters at all; drop them, escape the rest. */
export function xmlEscape(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

export class JUnitWriter {
  private readonly bodyPath: string;
  private fd: number | undefined;
  private tests = 0;
  private failures = 0;
  private readonly startedAt = new Date();
  /** The first write that failed: the report is given up, and finish() says why. */
  private failure: Xend2LibxlError | undefined;

  /** @throws Xend2LibxlError JUNIT_UNWRITABLE when the report's directory cannot be created or written. */
  constructor(private readonly file: string) {
    this.bodyPath = path.join(path.dirname(file), tempNameFor());
    try {
      // CI jobs often name a report directory that does not exist yet.
      mkdirSync(path.dirname(file), { recursive: true });
      sweepStaleTemps(path.dirname(file));
      this.fd = openSync(this.bodyPath, 'wx', 0o644);
    } catch (e) {
      throw this.unwritable(e);
    }
  }

  add(r: InputResult): void {
    if (this.fd === undefined) return;
    this.tests++;
    const name = xmlEscape(r.source);
    const classname = xmlEscape(r.domain?.name ?? path.basename(path.dirname(r.source)) ?? 'input');
    let xml = `    <testcase classname="xend2libxl.convert.${classname}" name="${name}" file="${name}" time="${(r.durationMs / 1000).toFixed(3)}"`;
    const lines = diagnosticLines(r);
    if (r.ok && lines.length === 0) xml += '/>\n';
    else {
      xml += '>\n';
      if (!r.ok) {
        this.failures++;
        const head = r.error ? `${r.error.code}: ${r.error.message}` : 'failed';
        xml += `      <failure type="${xmlEscape(r.error?.code ?? 'FAILED')}" message="${xmlEscape(head)}">${xmlEscape(lines.join('\n'))}</failure>\n`;
      } else {
        xml += `      <system-out>${xmlEscape(lines.join('\n'))}</system-out>\n`;
      }
      xml += '    </testcase>\n';
    }
    try {
      writeSync(this.fd, xml);
    } catch (e) {
      // A full disk must not end the batch (its outputs are still written): the report is given up
      // at once, its side file removed, and finish() reports why.
      this.failure = this.unwritable(e);
      this.abort();
    }
  }

  /**
   * Assemble header + cases + footer into a temp file next to the target and rename it into place.
   * @throws Xend2LibxlError JUNIT_UNWRITABLE (then no report and no temp file is left)
   */
  finish(summary: BatchSummary): void {
    if (this.failure || this.fd === undefined) throw this.failure ?? this.unwritable(new Error('the report was given up'));
    const temp = path.join(path.dirname(this.file), tempNameFor());
    try {
      closeSync(this.fd);
      this.fd = undefined;
      const out = openSync(temp, 'wx', 0o644);
      try {
        const attrs = `name="${SUITE}" tests="${this.tests}" failures="${this.failures}" errors="0" skipped="0" time="${(summary.durationMs / 1000).toFixed(3)}"`;
        writeSync(out, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ${attrs}>\n  <testsuite ${attrs} timestamp="${this.startedAt.toISOString().slice(0, 19)}">\n`);
        const body = openSync(this.bodyPath, 'r');
        try {
          const buf = Buffer.alloc(1 << 16);
          for (let n; (n = readSync(body, buf, 0, buf.length, null)) > 0; ) writeSync(out, buf, 0, n);
        } finally {
          closeSync(body);
        }
        writeSync(out, '  </testsuite>\n</testsuites>\n');
        // The data must be on disk before the rename makes it the report (a full disk may only say so here).
        fsyncSync(out);
      } finally {
        closeSync(out);
      }
      renameSync(temp, this.file);
    } catch (e) {
      removeQuietly(temp);
      throw this.unwritable(e);
    } finally {
      removeQuietly(this.bodyPath);
    }
  }

  /** Give up (interrupted run): remove the side file, leave no partial report. */
  abort(): void {
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd);
      } catch {
        /* already closed */
      }
      this.fd = undefined;
    }
    removeQuietly(this.bodyPath);
  }

  private unwritable(e: unknown): Xend2LibxlError {
    const code = (e as NodeJS.ErrnoException).code;
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    return new Xend2LibxlError('JUNIT_UNWRITABLE', `cannot write the JUnit report ${this.file}: ${writeErrorReason(e)}; no report was written`, {
      file: this.file,
      hint: full ? 'free some space or choose another path for --junit, then run again (the XML outputs are not affected)' : 'choose a writable path for --junit',
      cause: e,
    });
  }
}

/** Side files of runs that were killed (or hit a full disk in an older version) are ours to remove; trying is enough. */
function sweepStaleTemps(dir: string): void {
  try {
    removeStaleTemps(dir);
  } catch {
    /* an unlistable directory: the report itself will say whether it can be written */
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* already gone */
  }
}
