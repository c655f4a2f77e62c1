/** Invalid results are errors before anything is defined: typed code, message, file:line:col. */
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';

const PV = (extra: string, name = 'ok1') => `(domain\n    (name '${name}')\n    (uuid 11111111-2222-4333-8444-555555555555)\n    (memory 256)\n${extra})\n`;
const KERNEL = '    (image (linux (kernel /boot/vmlinuz)))\n';

function fail(text: string) {
  const r = convertSxpText(text, { file: '/var/lib/xend/domains/x/config.sxp' });
  expect(r.ok).toBe(false);
  expect(r.xml).toBeUndefined();
  return r;
}

describe('conversion errors', () => {
  it('rejects a name with / (libvirt forbids it) at the domain position', () => {
    const r = fail(PV(KERNEL, 'web/01'));
    expect(r.error?.code).toBe('INVALID_NAME');
    expect(r.error?.message).toContain("'web/01'");
    expect(r.error?.file).toBe('/var/lib/xend/domains/x/config.sxp');
    expect(r.error?.position).toMatchObject({ line: 1, column: 1 });
    expect(r.error?.hint).toBeTruthy();
    expect(r.domain?.name).toBe('web/01');
  });

  it('rejects duplicate disk targets and points at the second disk', () => {
    const r = fail(PV(`${KERNEL}    (device (vbd (uname phy:/dev/a) (dev xvda) (mode w)))\n    (device (vbd (uname phy:/dev/b) (dev xvda:disk) (mode w)))\n`));
    expect(r.error?.code).toBe('DUPLICATE_DISK_TARGET');
    expect(r.error?.message).toContain('xvda');
    expect(r.error?.message).toContain('line 6');
    expect(r.error?.position?.line).toBe(7);
  });

  it('rejects a PV guest with no kernel and no bootloader (pre-4.1 empty values count as absent)', () => {
    const r = fail(PV('    (bootloader )\n    (image (linux (kernel )))\n'));
    expect(r.error?.code).toBe('NO_BOOT_METHOD');
    expect(r.error?.position?.line).toBe(6);
  });

  it('passes SXP syntax errors through with their position', () => {
    const r = fail("(domain (name 'unterminated)\n");
    expect(r.error?.code).toMatch(/^SXP_/);
    expect(r.error?.position?.line).toBe(1);
  });

  it.each([
    ['a malformed MAC', `${KERNEL}    (device (vif (mac 00:16:3e:zz:00:01)))\n`, 'INVALID_MAC', 6],
    ['an unknown lifecycle action', `${KERNEL}    (on_crash explode)\n`, 'INVALID_LIFECYCLE_ACTION', 6],
    ['a non-numeric memory', `${KERNEL}    (maxmem lots)\n`, 'INVALID_NUMBER', 6],
    ['a disk without dev', `${KERNEL}    (device (vbd (uname phy:/dev/a)))\n`, 'INVALID_DISK', 6],
    ['a non-CD-ROM disk without uname', `${KERNEL}    (device (vbd (dev xvdb)))\n`, 'INVALID_DISK', 6],
    ['a malformed serial device', '    (image (hvm (serial tcp:nohost)))\n', 'INVALID_CHARDEV', 5],
    ['a PCI device without bus', `${KERNEL}    (device (pci (dev (slot 0x1) (func 0x0))))\n`, 'INVALID_PCI_ADDRESS', 6],
  ])('rejects %s', (_what, extra, code, line) => {
    const r = fail(PV(extra));
    expect(r.error?.code).toBe(code);
    if (line !== undefined) expect(r.error?.position?.line).toBe(line);
  });

  it('rejects a uuid that is not one, at the value', () => {
    const r = fail(`(domain (name a)\n (uuid 1234-nonsense) (memory 64) ${KERNEL})`);
    expect(r.error?.code).toBe('INVALID_UUID');
    expect(r.error?.position).toMatchObject({ line: 2, column: 8 });
  });

  it('rejects input that is not a domain', () => {
    expect(fail('(xend-config (vif-script vif-bridge))\n').error?.code).toBe('CONFIG_NOT_A_DOMAIN');
    expect(fail('# only a comment\n').error?.code).toMatch(/^(SXP_NO_CONFIGURATION|CONFIG_EMPTY)$/);
  });

  it('rejects dom0 (first form of plain `xm list -l` output) with a hint', () => {
    const r = fail(`(domain (domid 0) (name Domain-0) (memory 1024))\n${PV(KERNEL)}`);
    expect(r.error?.code).toBe('CONFIG_IS_DOM0');
    expect(r.error?.hint).toContain('xm list -l NAME');
  });

  it('rejects a name-less domain', () => {
    expect(fail(`(domain (memory 128) ${KERNEL})`).error?.code).toBe('INVALID_NAME');
  });

  it('keeps warnings collected before the error', () => {
    const r = fail(`(domain (name a/b) (memory 64) (pool_name other) ${KERNEL})`);
    // In file order: the missing uuid is reported at the (domain …) form itself.
    expect(r.warnings.map((w) => w.code)).toEqual(['UUID_MISSING', 'CPUPOOL_DROPPED']);
  });
});
