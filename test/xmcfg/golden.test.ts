/**
 * Golden pairs for xm/xl configs: fixtures/xmcfg/NAME.cfg → NAME.expected.xml
 * and NAME.expected.warnings, byte for byte. The derived uuid of a config
 * without one is computed as if the file were /etc/xen/NAME.cfg, so the
 * output does not depend on where the checkout lives.
 * XEND2LIBXL_REGENERATE=1 rewrites the expected files; review `git diff`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { convertXmConfigText } from '../../src/convert/from-xmcfg.js';
import { formatDiagnostic } from '../../src/diagnostics.js';

const DIR = join(process.cwd(), 'fixtures', 'xmcfg');
const REGENERATE = process.env.XEND2LIBXL_REGENERATE === '1';
const CODE_CONFIG = 'python-code';
const names = readdirSync(DIR).filter((f) => f.endsWith('.cfg')).map((f) => f.slice(0, -4)).filter((n) => n !== CODE_CONFIG).sort();

describe('golden xm/xl fixtures (fixtures/xmcfg)', () => {
  it('has the PV, HVM, direct-kernel and xl cases', () => {
    expect(names).toEqual(['hvm-windows', 'pv-direct-kernel', 'pv-web-pygrub', 'xl-hvm-modern']);
  });

  for (const name of names) {
    it(name, () => {
      const file = `fixtures/xmcfg/${name}.cfg`;
      const r = convertXmConfigText(readFileSync(join(DIR, `${name}.cfg`)), { file, uuidPath: `/etc/xen/${name}.cfg` });
      expect(r.error?.message, `${name} must convert`).toBeUndefined();
      const warnings = r.warnings.map((w) => formatDiagnostic(w)).join('\n') + (r.warnings.length ? '\n' : '');
      const xmlPath = join(DIR, `${name}.expected.xml`);
      const warnPath = join(DIR, `${name}.expected.warnings`);
      if (REGENERATE) {
        writeFileSync(xmlPath, r.xml ?? '');
        writeFileSync(warnPath, warnings);
      }
      expect(existsSync(xmlPath), `${xmlPath} missing: run with XEND2LIBXL_REGENERATE=1 and review`).toBe(true);
      expect(r.xml).toBe(readFileSync(xmlPath, 'utf8'));
      expect(warnings).toBe(existsSync(warnPath) ? readFileSync(warnPath, 'utf8') : '');
    });
  }
});

describe('a config that is Python code', () => {
  it('is refused at its first line of code, with the xm create --dryrun way out', () => {
    const r = convertXmConfigText(readFileSync(join(DIR, `${CODE_CONFIG}.cfg`)), { file: '/etc/xen/db01.cfg' });
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('XMCFG_PYTHON_CODE');
    expect(`${r.error?.file}:${r.error?.position?.line}:${r.error?.position?.column}`).toBe('/etc/xen/db01.cfg:2:1');
    expect(r.error?.message).toMatch(/^a Python 'import' statement: this config is Python code/);
    expect(r.error?.hint).toContain('`xm create --quiet --dryrun /etc/xen/db01.cfg > db01.sxp`, then convert db01.sxp');
  });

  it('converts through the SXP path once xm has evaluated it (the hint, end to end)', () => {
    const r = convertSxpText(readFileSync(join(DIR, `${CODE_CONFIG}.dryrun.sxp`)), { file: 'db01.sxp' });
    expect(r.error?.message).toBeUndefined();
    expect(r.domain?.name).toBe('db01');
    expect(r.domain?.disks.map((d) => `${d.target}=${d.source}`)).toEqual(['xvda=/dev/vg0/db01-root']);
    expect(r.xml).toContain('<bootloader>pygrub</bootloader>');
  });
});
