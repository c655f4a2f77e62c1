/**
 * Conformance with libvirt's own sexpr2xml pairs (../shared/corpus): every
 * expected XML must match ours semantically, modulo the documented DEVIATIONS.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { corpusInput, UNBALANCED_INPUTS } from './emitted-xml.js';
import { compareDomainXml, DEVIATIONS, lineDiff } from './semantic-xml.js';

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus', 'libvirt-sexpr2xml');
const present = existsSync(CORPUS);
if (!present) console.warn(`SKIPPED conformance: ${CORPUS} is absent`);

/** Expected files libvirt itself never compared against (corpus README). */
const STALE_EXPECTED: Record<string, string> = {
  'sexpr2xml-fv-legacy-vfb': "its .xml is stale upstream (2008 formatting, Solaris vif-vnic default); libvirt's sexpr2xmltest skipped it too",
};
const STALE_EXPECTED_NAMES = Object.keys(STALE_EXPECTED);
const loadInput = (name: string, repair: boolean) => corpusInput(name, repair);

describe.skipIf(!present)('conformance with libvirt sexpr2xml corpus', () => {
  const names = present ? readdirSync(CORPUS).filter((f) => f.endsWith('.sexpr')).map((f) => f.replace(/\.sexpr$/, '')).sort() : [];

  it('has the 50 pairs', () => {
    expect(names).toHaveLength(50);
  });

  it('rejects the malformed corpus inputs with a positioned syntax error, as xend did', () => {
    for (const name of UNBALANCED_INPUTS) {
      const r = convertSxpText(loadInput(name, false), { file: `${name}.sexpr` });
      expect(r.ok, name).toBe(false);
      expect(r.error?.code, name).toMatch(/^SXP_/);
      expect(r.error?.position?.line, name).toBeGreaterThan(0);
    }
  });

  it('matches every expected XML semantically', () => {
    const failures: string[] = [];
    const compared = names.filter((n) => !(n in STALE_EXPECTED));
    for (const name of STALE_EXPECTED_NAMES) {
      const r = convertSxpText(loadInput(name, true), { file: `${name}.sexpr` });
      expect(r.ok, `${name} still converts`).toBe(true);
      console.log(`EXCLUDED ${name}: ${STALE_EXPECTED[name]}`);
    }
    for (const name of compared) {
      const text = loadInput(name, true);
      const expected = readFileSync(join(CORPUS, `${name}.xml`), 'utf8');
      const r = convertSxpText(text, { file: `${name}.sexpr` });
      if (!r.ok || !r.xml) {
        failures.push(`${name}: conversion failed: ${r.error?.code} ${r.error?.message}`);
        continue;
      }
      const cmp = compareDomainXml(expected, r.xml);
      if (!cmp.equal) failures.push(`${name}:\n${lineDiff(cmp.expected, cmp.ours)}`);
    }
    const score = `${compared.length - failures.length}/${compared.length}`;
    console.log(`sexpr2xml conformance: ${score} (deviations applied: ${DEVIATIONS.map((d) => d.id).join(', ')})`);
    for (const f of failures) console.log(`DIFF ${f}`);
    expect(failures, `conformance ${score}`).toEqual([]);
  });
});
