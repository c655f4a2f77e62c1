/**
 * Conformance with libvirt's own xm and xl config pairs (../shared/corpus):
 * every input converts, and its expected XML matches ours semantically,
 * modulo the documented DEVIATIONS of the sexpr2xml path and the xm/xl ones
 * in xmcfg-deviations.ts (each with its reason).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertXmConfigText } from '../../src/convert/from-xmcfg.js';
import type { XmDialect } from '../../src/xmcfg/index.js';
import { compareXmXml, XM_DEVIATIONS } from './xmcfg-deviations.js';
import { lineDiff } from '../convert/semantic-xml.js';

const ROOT = join(process.cwd(), '..', 'shared', 'corpus');

/** Pairs libvirt's own test never compared (corpus README), converted but not compared. */
const STALE_EXPECTED: Record<string, string> = {
  'sexpr2xml-pv-bootloader.cfg': "not used by libvirt's xmconfigtest: its XML is live sexpr2xml output (id='6', no arch/machine, clock without adjustment); libvirt 9 itself referees this .cfg in test/xen/xmcfg-referee.xen.test.ts",
};

function corpus(dir: string, dialect: XmDialect, expectedPairs: number) {
  const path = join(ROOT, dir);
  const present = existsSync(path);
  if (!present) console.warn(`SKIPPED ${dir} conformance: ${path} is absent`);
  describe.skipIf(!present)(`conformance with libvirt ${dir}`, () => {
    const inputs = present ? readdirSync(path).filter((f) => f.endsWith('.cfg')).sort() : [];
    const pairs = inputs.filter((f) => existsSync(join(path, f.replace(/\.cfg$/, '.xml'))));

    it(`has the ${expectedPairs} pairs`, () => {
      expect(pairs).toHaveLength(expectedPairs);
    });

    it('converts every input, including those without an expected XML, the same with the dialect guessed (auto)', () => {
      const failed = inputs.flatMap((f) => {
        const r = convertXmConfigText(readFileSync(join(path, f)), { file: f, dialect });
        const auto = convertXmConfigText(readFileSync(join(path, f)), { file: f });
        if (r.ok && auto.xml !== r.xml) return [`${f}: auto dialect gives different XML`];
        return r.ok ? [] : [`${f}: ${r.error?.code} ${r.error?.message}`];
      });
      expect(failed).toEqual([]);
    });

    it('matches every expected XML semantically', () => {
      const failures: string[] = [];
      for (const f of pairs) {
        if (f in STALE_EXPECTED) {
          console.log(`EXCLUDED ${f}: ${STALE_EXPECTED[f]}`);
          continue;
        }
        const r = convertXmConfigText(readFileSync(join(path, f)), { file: f, dialect });
        if (!r.ok || !r.xml) continue;
        const cmp = compareXmXml(readFileSync(join(path, f.replace(/\.cfg$/, '.xml')), 'utf8'), r.xml, dialect, f);
        if (!cmp.equal) failures.push(`${f}:\n${lineDiff(cmp.expected, cmp.ours)}`);
      }
      const score = `${pairs.length - failures.length}/${pairs.length}`;
      console.log(`${dir} conformance: ${score} (xm/xl deviations: ${XM_DEVIATIONS.map((d) => d.id).join(', ')})`);
      for (const f of failures) console.log(`DIFF ${f}`);
      expect(failures, `conformance ${score}`).toEqual([]);
    });
  });
}

describe.skipIf(!existsSync(join(ROOT, 'libvirt-xmconfig', 'retired')))('libvirt xmconfig pairs retired upstream (2015-2016 formats)', () => {
  it("convert, and the old HVM `cdrom` key becomes drive hdc as xm made it", () => {
    const dir = join(ROOT, 'libvirt-xmconfig', 'retired');
    const results = readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort().map((f) => ({ f, r: convertXmConfigText(readFileSync(join(dir, f)), { file: f, dialect: 'xm' }) }));
    expect(results.map(({ f, r }) => `${f}:${r.ok ? 'ok' : r.error?.code}`)).toEqual(results.map(({ f }) => `${f}:ok`));
    expect(results).toHaveLength(6);
    const cd = results.find(({ f }) => f === 'test-fullvirt-old-cdrom.cfg')?.r.domain?.disks.find((d) => d.target === 'hdc');
    expect(cd).toMatchObject({ device: 'cdrom', source: '/root/boot.iso', readonly: true });
  });
});

// 76 files: 37 .cfg/.xml pairs, an .xml without .cfg (usbtablet-no-bus) and a .cfg without .xml (net-modelstr).
corpus('libvirt-xmconfig', 'xm', 37);
corpus('libvirt-xlconfig', 'xl', 48);
