import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { JsonReportWriter } from '../../src/batch/json-report.js';
import { JUnitWriter, xmlEscape } from '../../src/batch/junit.js';
import type { BatchSummary, InputResult } from '../../src/batch/types.js';
import { useTempDirs } from './fixture-paths.js';

const tmp = useTempDirs();

const summary: BatchSummary = { inputs: 2, converted: 1, failed: 1, withWarnings: 1, warnings: 1, written: 1, durationMs: 1234, interrupted: false };
const good: InputResult = {
  source: 'domains/a/config.sxp',
  ok: true,
  domain: { name: 'web<1>', uuid: 'u', autostart: false, type: 'pv' },
  output: 'out/web<1>.xml',
  warnings: [{ code: 'UNKNOWN_KEY', message: 'key "foo" & friends ignored', line: 3, column: 5 }],
  durationMs: 2.5,
};
const bad: InputResult = {
  source: 'domains/b/config.sxp',
  ok: false,
  warnings: [],
  error: { code: 'SXP_UNEXPECTED_EOF', message: 'unexpected end of input\u0001', line: 9, column: 1, hint: "add the missing ')'" },
  durationMs: 1,
};

describe('report writers', () => {

  it('JUnit: one testcase per input, failure text = diagnostics, valid XML, counts in the header, written atomically', () => {
    const dir = tmp();
    const file = path.join(dir, 'reports/ci/junit.xml');
    const w = new JUnitWriter(file);
    w.add(good);
    w.add(bad);
    w.finish(summary);
    const text = readFileSync(file, 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testcase' }).parse(text);
    const suite = doc.testsuites.testsuite;
    expect([suite.tests, suite.failures, suite.time]).toEqual(['2', '1', '1.234']);
    expect(suite.testcase.map((c: { name: string }) => c.name)).toEqual(['domains/a/config.sxp', 'domains/b/config.sxp']);
    expect(suite.testcase[0].classname).toBe('xend2libxl.convert.web<1>');
    expect(suite.testcase[0]['system-out']).toBe('domains/a/config.sxp:3:5: warning[UNKNOWN_KEY]: key "foo" & friends ignored');
    expect(suite.testcase[1].failure).toMatchObject({
      type: 'SXP_UNEXPECTED_EOF',
      message: 'SXP_UNEXPECTED_EOF: unexpected end of input',
      // The control character is shown escaped, as on the terminal (it could never be carried raw by XML 1.0).
      '#text': "domains/b/config.sxp:9:1: error[SXP_UNEXPECTED_EOF]: unexpected end of input\\x01\nhint: add the missing ')'",
    });
    expect(readdirSync(path.dirname(file))).toEqual(['junit.xml']);
  });

  it('JUnit: an aborted report leaves nothing behind', () => {
    const dir = tmp();
    const w = new JUnitWriter(path.join(dir, 'junit.xml'));
    w.add(good);
    w.abort();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('JUnit: refuses an unwritable path with a typed error', () => {
    const dir = tmp();
    // A path "under" a regular file: ENOTDIR.
    const file = path.join(dir, 'plain-file');
    writeFileSync(file, '');
    expect(() => new JUnitWriter(path.join(file, 'sub/junit.xml'))).toThrow(expect.objectContaining({ code: 'JUNIT_UNWRITABLE' }));
  });

  it('escapes what XML cannot carry', () => {
    expect(xmlEscape('a<b>&"c"\u0000\u001b')).toBe('a&lt;b&gt;&amp;&quot;c&quot;');
  });

  it('JSON: streams one valid document, also when empty', () => {
    let out = '';
    const w = new JsonReportWriter({ write: (s: string) => (out += s) });
    w.add(good);
    w.add(bad);
    w.finish(summary);
    const doc = JSON.parse(out);
    expect(doc.results.map((r: { source: string; ok: boolean }) => [r.source, r.ok])).toEqual([
      ['domains/a/config.sxp', true],
      ['domains/b/config.sxp', false],
    ]);
    expect(doc.results[1]).toMatchObject({ domain: null, xml: null, output: null, error: { code: 'SXP_UNEXPECTED_EOF', line: 9 } });
    expect(doc.summary).toEqual(summary);
    let empty = '';
    new JsonReportWriter({ write: (s: string) => (empty += s) }).finish({ ...summary, inputs: 0 });
    expect(JSON.parse(empty).results).toEqual([]);
  });
});
