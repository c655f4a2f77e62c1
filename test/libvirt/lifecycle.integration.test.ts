/**
 * The libvirt layer against a real libvirtd (rig host h1, QEMU/TCG) booting the
 * tiny guest: the whole lifecycle, the real error kinds, and ACPI timeouts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt } from '../../src/libvirt/client.js';
import { LibvirtError } from '../../src/libvirt/errors.js';
import { execFileRunner } from '../../src/libvirt/runner.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';

announceSkip('test/libvirt/lifecycle.integration.test.ts');

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    if (e instanceof LibvirtError) return e.kind;
    throw e;
  }
}

describe.skipIf(libvirtSkipped)('Libvirt on a real qemu:///system daemon', () => {
  let rig: Rig;
  let lv: Libvirt;
  const guest = `lvlayer-${process.pid}-guest`;
  const stubborn = `lvlayer-${process.pid}-stubborn`;

  async function remove(name: string): Promise<void> {
    await lv.destroy(name).catch(() => undefined);
    await lv.undefine(name).catch(() => undefined);
  }
  beforeAll(async () => {
    rig = await ensureRig();
    lv = new Libvirt(execFileRunner(), rig.h1.uri);
  });
  afterAll(async () => {
    if (!lv) return;
    await remove(guest);
    await remove(stubborn);
  });

  it('defines, lists, autostarts, starts, shuts down by ACPI, destroys and undefines the tiny guest', async () => {
    const uuid = '5f0c3e1a-7d2b-4c11-9a55-0000000000' + String(process.pid % 100).padStart(2, '0');
    expect(await lv.define(rig.guestXml({ name: guest, uuid, cmdline: 'fill=16' }))).toBe(guest);

    const listed = (await lv.list()).find((d) => d.name === guest);
    expect(listed).toEqual({ name: guest, uuid, id: null, state: 'shut off', persistent: true, autostart: false });
    expect(await lv.uuidOf(guest)).toBe(uuid);
    expect(await lv.nameOf(uuid)).toBe(guest);

    await lv.setAutostart(guest, true);
    expect(await lv.getAutostart(guest)).toBe(true);
    expect((await lv.list()).find((d) => d.name === guest)?.autostart).toBe(true);
    await lv.setAutostart(guest, false);
    expect(await lv.getAutostart(guest)).toBe(false);

    await lv.start(guest);
    await rig.waitForReady(rig.h1, guest, 60_000);
    expect(await lv.domState(guest)).toEqual({ state: 'running', reason: 'booted' });
    expect((await lv.list()).find((d) => d.name === guest)).toMatchObject({ state: 'running', id: expect.any(Number) });
    expect(await kindOf(lv.start(guest))).toBe('invalid-state');

    await lv.shutdown(guest);
    expect(await lv.waitForState(guest, ['shut off'], 30_000)).toEqual({ state: 'shut off', reason: 'shutdown' });
    expect(await kindOf(lv.shutdown(guest))).toBe('invalid-state');

    await lv.start(guest);
    await rig.waitForReady(rig.h1, guest, 60_000);
    await lv.destroy(guest);
    expect(await lv.domState(guest)).toEqual({ state: 'shut off', reason: 'destroyed' });

    const xml = await lv.dumpXml(guest, { inactive: true });
    expect(xml).toContain(`<name>${guest}</name>`);
    expect(xml).toContain(`<kernel>${rig.guestKernel}</kernel>`);

    await lv.undefine(guest);
    expect(await lv.exists(guest)).toBe(false);
    expect(await kindOf(lv.domState(guest))).toBe('not-found');
    expect(await kindOf(lv.dumpXml(guest))).toBe('not-found');
  });

  it('times out waiting for a guest that ignores the power button, naming its state', async () => {
    await lv.define(rig.guestXml({ name: stubborn, cmdline: 'acpi=0 fill=8' }));
    await lv.start(stubborn);
    await rig.waitForReady(rig.h1, stubborn, 60_000);
    await lv.shutdown(stubborn);
    const err = await lv.waitForState(stubborn, ['shut off'], 3_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LibvirtError);
    expect((err as LibvirtError).kind).toBe('timeout');
    expect((err as LibvirtError).message).toContain('still "running');
    await lv.destroy(stubborn);
    expect((await lv.domState(stubborn)).state).toBe('shut off');
  });

  it('rejects a definition libvirt cannot accept as invalid-definition', async () => {
    const bad = `<domain type='qemu'><name>lvlayer-${process.pid}-bad</name><memory>65536</memory></domain>`;
    expect(await kindOf(lv.define(bad))).toBe('invalid-definition');
    expect(await lv.exists(`lvlayer-${process.pid}-bad`)).toBe(false);
  });

  it('reports a daemon that is not there as a connection error', async () => {
    const gone = new Libvirt(execFileRunner(), `qemu+unix:///system?socket=${rig.guestKernel}.no-such-socket`);
    expect(await kindOf(gone.list())).toBe('connection');
  });

  it('reads capabilities including the host UUID the rig gave this daemon', async () => {
    expect(await lv.capabilities()).toMatch(/<uuid>e5d21b00-0000-4000-8000-000000000001<\/uuid>/);
  });
});
