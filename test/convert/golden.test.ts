/**
 * Golden pairs written by us: fixtures/sxp/NAME.sxp → NAME.expected.xml plus
 * NAME.expected.warnings (one formatted diagnostic per line). Optional
 * NAME.defaults.json holds xend-config.sxp defaults. Compared byte for byte.
 *
 * Review-and-regenerate: XEND2LIBXL_REGENERATE=1 rewrites the expected files
 * (like libvirt's VIR_TEST_REGENERATE_OUTPUT); inspect `git diff` before committing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/diagnostics.js';
import { convertFixture, FIXTURE_DIR as DIR, fixtureNames } from './emitted-xml.js';

const REGENERATE = process.env.XEND2LIBXL_REGENERATE === '1';
const names = fixtureNames();

describe('golden fixtures (fixtures/sxp)', () => {
  it('has at least 15 realistic cases', () => {
    expect(names.length).toBeGreaterThanOrEqual(15);
  });

  for (const name of names) {
    it(name, () => {
      const r = convertFixture(name);
      expect(r.error?.message, `${name} must convert`).toBeUndefined();
      expect(r.ok).toBe(true);
      const xml = r.xml ?? '';
      const warnings = r.warnings.map((w) => formatDiagnostic(w)).join('\n') + (r.warnings.length ? '\n' : '');
      const xmlPath = join(DIR, `${name}.expected.xml`);
      const warnPath = join(DIR, `${name}.expected.warnings`);
      if (REGENERATE) {
        writeFileSync(xmlPath, xml);
        writeFileSync(warnPath, warnings);
      }
      expect(existsSync(xmlPath), `${xmlPath} missing: run with XEND2LIBXL_REGENERATE=1 and review`).toBe(true);
      expect(xml).toBe(readFileSync(xmlPath, 'utf8'));
      expect(warnings).toBe(existsSync(warnPath) ? readFileSync(warnPath, 'utf8') : '');
    });
  }
});
