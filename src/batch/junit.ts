/**
 * JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one
 * testcase per input, failure text = the diagnostics exactly as printed on
 * stderr. Test cases are streamed to a side file and assembled at the end, so
 * memory stays flat; the report appears atomically (temp + rename).
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Xend2LibxlError } from '../errors.js';
import { tempNameFor } from './atomic-write.js';
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
  private readonly fd: number;
  private tests = 0;
  private failures = 0;
  private readonly startedAt = new Date();

  /** @throws Xend2LibxlError JUNIT_UNWRITABLE when the report's directory cannot be created or written. */
  constructor(private readonly file: string) {
    this.bodyPath = path.join(path.dirname(file), tempNameFor());
    try {
      // CI jobs often name a report directory that does not exist yet.
      mkdirSync(path.dirname(file), { recursive: true });
      this.fd = openSync(this.bodyPath, 'w', 0o644);
    } catch (e) {
      throw new Xend2LibxlError('JUNIT_UNWRITABLE', `cannot write the JUnit report: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        file,
        hint: 'choose a writable path for --junit',
        cause: e,
      });
    }
  }

  add(r: InputResult): void {
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
    writeSync(this.fd, xml);
  }

  /** Assemble header + cases + footer into a temp file next to the target and rename it into place. */
  finish(summary: BatchSummary): void {
    closeSync(this.fd);
    const temp = path.join(path.dirname(this.file), tempNameFor());
    const out = openSync(temp, 'w', 0o644);
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
    } finally {
      closeSync(out);
    }
    renameSync(temp, this.file);
    unlinkSync(this.bodyPath);
  }

  /** Give up (interrupted run): remove the side file, leave no partial report. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {
      /* already closed */
    }
    try {
      unlinkSync(this.bodyPath);
    } catch {
      /* already gone */
    }
  }
}
