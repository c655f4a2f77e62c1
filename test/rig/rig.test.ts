/**
 * The rig's own contract, on the real daemons: the tiny guest boots to READY,
 * honours and ignores ACPI shutdown as asked, migrates h1 -> h2 over TCP, and a
 * held connection keeps the test driver's state.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from './rig.js';

announceSkip('test/rig/rig.test.ts');

function virsh(uri: string, ...args: string[]): string {
  return execFileSync('virsh', ['-q', '-c', uri, ...args], { encoding: 'utf8', timeout: 60_000, stdio: 'pipe', env: { ...process.env, LC_ALL: 'C' } }).trim();
}
function tryVirsh(uri: string, ...args: string[]): string {
  try {
    return virsh(uri, ...args);
  } catch (e) {
    return `error: ${(e as { stderr?: string }).stderr ?? ''}`.trim();
  }
}
function define(uri: string, xml: string): void {
  const dir = mkdtempSync(path.join(tmpdir(), 'rigtest-'));
  try {
    writeFileSync(path.join(dir, 'domain.xml'), xml);
    virsh(uri, 'define', path.join(dir, 'domain.xml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
async function until(what: string, ms: number, cond: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe.skipIf(libvirtSkipped)('libvirt test rig', () => {
  let rig: Rig;
  const names = { acpi: 'rigtest-acpi', stubborn: 'rigtest-stubborn', mig: 'rigtest-mig' };

  function cleanup(): void {
    for (const h of [rig.h1, rig.h2])
      for (const n of Object.values(names)) {
        tryVirsh(h.uri, 'destroy', n);
        tryVirsh(h.uri, 'undefine', n);
      }
  }
  beforeAll(async () => {
    rig = await ensureRig();
    cleanup();
  });
  afterAll(() => rig && cleanup());

  it('exposes URIs for two distinct hosts with their own host UUIDs', () => {
    expect(rig.h1.uri).toMatch(/^qemu\+unix:\/\/\/system\?socket=\//);
    expect(rig.h2.tcpUri).toBe('qemu+tcp://127.0.0.12/system');
    expect(virsh(rig.h1.uri, 'hostname')).toBe('h1');
    expect(virsh(rig.h2.tcpUri, 'hostname')).toBe('h2');
    const uuid = (u: string) => /<uuid>([^<]+)<\/uuid>/.exec(virsh(u, 'capabilities'))?.[1];
    expect(uuid(rig.h1.uri)).not.toBe(uuid(rig.h2.uri));
  });

  it('boots the tiny guest to READY and powers it off on ACPI shutdown', async () => {
    const xml = rig.guestXml({ name: names.acpi, cmdline: 'fill=16' });
    define(rig.h1.uri, xml);
    virsh(rig.h1.uri, 'start', names.acpi);
    await rig.waitForReady(rig.h1, names.acpi, 60_000);
    // The guest echoes the options it parsed from the kernel command line.
    expect(serialText(rig, names.acpi)).toMatch(/acpi=1 fill_mib=16 dirty_mib_s=0/);
    virsh(rig.h1.uri, 'shutdown', names.acpi);
    await until('ACPI power-off', 30_000, () => virsh(rig.h1.uri, 'domstate', '--reason', names.acpi) === 'shut off (shutdown)');
  });

  it('ignores the power button with acpi=0', async () => {
    const xml = rig.guestXml({ name: names.stubborn, cmdline: 'acpi=0 fill=8' });
    define(rig.h1.uri, xml);
    virsh(rig.h1.uri, 'start', names.stubborn);
    await rig.waitForReady(rig.h1, names.stubborn, 60_000);
    virsh(rig.h1.uri, 'shutdown', names.stubborn);
    await until('guest logs the ignored press', 15_000, () => /power button ignored/.test(serialText(rig, names.stubborn)));
    expect(virsh(rig.h1.uri, 'domstate', names.stubborn)).toBe('running');
  });

  it('live-migrates p2p from h1 to h2 over TCP without --migrateuri', async () => {
    const xml = rig.guestXml({ name: names.mig, cmdline: 'fill=16 dirty=1' });
    define(rig.h1.uri, xml);
    virsh(rig.h1.uri, 'start', names.mig);
    await rig.waitForReady(rig.h1, names.mig, 60_000);
    expect(serialText(rig, names.mig)).toMatch(/fill_mib=16 dirty_mib_s=1/);
    virsh(rig.h1.uri, 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', names.mig, rig.h2.tcpUri);
    expect(virsh(rig.h2.uri, 'domstate', names.mig)).toBe('running');
    expect(tryVirsh(rig.h1.uri, 'domstate', names.mig)).toMatch(/^error:.*failed to get domain/s);
  });

  it('keeps test-driver state across virsh processes while a holder connection is open', async () => {
    const holder = await rig.testDriverHolder(rig.h2);
    try {
      const xml = "<domain type='xen'><name>rigtest-pv</name><memory>65536</memory><os><type>linux</type></os></domain>";
      define(holder.uri, xml);
      expect(virsh(holder.uri, 'list', '--all', '--name')).toContain('rigtest-pv');
    } finally {
      await holder.close();
    }
  });
});

function serialText(rig: Rig, name: string): string {
  try {
    return readFileSync(rig.serialLog(name), 'utf8');
  } catch {
    return '';
  }
}
