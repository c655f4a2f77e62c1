/**
 * The libvirt layer against libvirt's test driver inside a real daemon (rig host
 * h2): Xen PV definitions (type='xen', which the QEMU driver would refuse) and
 * hostile domain names that must reach libvirt literally.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt } from '../../src/libvirt/client.js';
import { LibvirtError } from '../../src/libvirt/errors.js';
import { execFileRunner } from '../../src/libvirt/runner.js';
import { announceSkip, ensureRig, libvirtSkipped, xmlEscape, type TestDriverHolder } from '../rig/rig.js';

announceSkip('test/libvirt/test-driver.integration.test.ts');

const tag = `lvtd-${process.pid}`;

function pvXml(name: string, uuid?: string): string {
  return `<domain type='xen'>
  <name>${xmlEscape(name)}</name>${uuid ? `\n  <uuid>${uuid}</uuid>` : ''}
  <memory unit='KiB'>262144</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='xenpv'>linux</type><kernel>/boot/vmlinuz-xen</kernel><cmdline>root=/dev/xvda1 ro</cmdline></os>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>restart</on_crash>
  <devices>
    <disk type='file' device='disk'><source file='/var/lib/xen/images/${tag}.img'/><target dev='xvda' bus='xen'/></disk>
    <graphics type='vnc' port='-1' autoport='yes' passwd='vnc-s3cret'/>
  </devices>
</domain>
`;
}

describe.skipIf(libvirtSkipped)('Libvirt on the test driver through a daemon', () => {
  let holder: TestDriverHolder;
  let lv: Libvirt;
  let scratch: string;

  beforeAll(async () => {
    const rig = await ensureRig();
    holder = await rig.testDriverHolder(rig.h2);
    lv = new Libvirt(execFileRunner(), holder.uri);
    scratch = mkdtempSync(path.join(tmpdir(), 'lvtd-cwd-'));
  });
  afterAll(async () => {
    await holder?.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('defines, starts, shuts down and undefines a Xen PV domain; passwords only with --security-info', async () => {
    const name = `${tag}-pv`;
    const uuid = 'a1b2c3d4-0000-4000-8000-0000000' + String(process.pid % 100000).padStart(5, '0');
    expect(await lv.define(pvXml(name, uuid))).toBe(name);
    expect((await lv.list()).find((d) => d.name === name)).toEqual({ name, uuid, id: null, state: 'shut off', persistent: true, autostart: false });

    const plain = await lv.dumpXml(name, { inactive: true });
    expect(plain).toMatch(/<domain type=["']xen["']/);
    expect(plain).not.toContain('vnc-s3cret');
    expect(await lv.dumpXml(name, { inactive: true, securityInfo: true })).toContain("passwd='vnc-s3cret'");

    await lv.setAutostart(name, true);
    expect(await lv.getAutostart(name)).toBe(true);

    await lv.start(name);
    expect((await lv.domState(name)).state).toBe('running');
    await lv.shutdown(name);
    expect((await lv.waitForState(name, ['shut off'], 10_000))?.state).toBe('shut off');
    await lv.undefine(name);
    expect(await lv.exists(name)).toBe(false);
  });

  it('passes hostile domain names to libvirt literally and executes nothing', async () => {
    const marker = `pwned-${process.pid}`;
    const accepted = [`$(touch ${marker})`, `\`touch ${marker}\``, 'a;b', 'with  spaces', '--all', "quote'd \"name\" & <x>", '-c'].map((n) => `${n} ${tag}`);
    const cwd = process.cwd();
    process.chdir(scratch); // a relative `touch` would land here if anything ran a shell
    try {
      for (const n of accepted) expect(await lv.define(pvXml(n))).toBe(n);
      const listed = (await lv.list()).map((d) => d.name);
      for (const n of accepted) expect(listed).toContain(n);
      for (const n of accepted) {
        await lv.start(n);
        expect((await lv.domState(n)).state).toBe('running');
        await lv.destroy(n);
        expect(await lv.uuidOf(n)).toMatch(/^[0-9a-f-]{36}$/);
        await lv.undefine(n);
        expect(await lv.exists(n)).toBe(false);
      }
      // Names with '/' are refused by libvirt itself, which quotes them back verbatim.
      for (const n of ['../x', `$(touch /tmp/${marker})`]) {
        const err = await lv.define(pvXml(n)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LibvirtError);
        expect((err as LibvirtError).kind).toBe('invalid-definition');
        expect((err as LibvirtError).message).toContain(`name ${n} cannot contain '/'`);
      }
    } finally {
      process.chdir(cwd);
    }
    expect(readdirSync(scratch)).toEqual([]);
    expect(existsSync(path.join(cwd, marker))).toBe(false);
    expect(existsSync(`/tmp/${marker}`)).toBe(false);
  });

  it('classifies what the test driver does not implement as unsupported', async () => {
    const err = await lv.run('domjobabort', ['domjobabort', '--', 'test']).catch((e: unknown) => e);
    expect((err as LibvirtError).kind).toBe('unsupported');
    expect((err as LibvirtError).libvirtMessage).toBe('this function is not supported by the connection driver: virDomainAbortJob');
  });
});
