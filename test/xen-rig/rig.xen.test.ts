/**
 * The Xen rig itself: both hosts run Xen 4.17 with libvirt's libxl driver, the tiny PV guest
 * boots to READY, and the hosts reach each other by the names a p2p migration uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenRig } from './xen-rig.js';

announceXenSkip('Xen rig self-test');
describe.skipIf(xenSkipped)('Xen rig self-test', () => {
  let rig: XenRig;
  const name = `xr-selftest-${process.pid}`;
  const virsh = (uri: string, ...args: string[]) => rig.runner.start({ uri, args, timeoutMs: 120_000 }).result;

  beforeAll(async () => {
    rig = await ensureXenRig();
  });
  afterAll(async () => {
    if (!rig) return;
    await virsh(rig.x1.uri, 'destroy', '--', name);
    await virsh(rig.x1.uri, 'undefine', '--', name);
  });

  it('both hosts answer as Xen 4.17 through libvirt libxl', async () => {
    for (const h of [rig.x1, rig.x2]) {
      const v = await virsh(h.uri, 'version');
      expect(v.exitCode, v.stderr).toBe(0);
      expect(v.stdout).toMatch(/Running hypervisor: Xen 4\.17/);
      expect(await rig.sh(h, 'hostname')).toBe(`${h.name}\n`);
    }
  });

  it('each host resolves its peer by the name p2p migration uses', async () => {
    const out = await rig.sh(rig.x1, `LC_ALL=C timeout 20 virsh -c ${rig.x2.peerUri} hostname`);
    expect(out.trim()).toBe('xenrig2');
  });

  it('the tiny PV guest boots to READY and shuts down on a PV shutdown request', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'xr-'));
    const file = path.join(dir, 'd.xml');
    writeFileSync(file, rig.guestXml({ name }));
    const def = await virsh(rig.x1.uri, 'define', file);
    rmSync(dir, { recursive: true, force: true });
    expect(def.exitCode, def.stderr).toBe(0);
    await rig.clearConsole(rig.x1, name);
    const st = await virsh(rig.x1.uri, 'start', '--', name);
    expect(st.exitCode, st.stderr).toBe(0);
    await rig.waitForReady(rig.x1, name, 180_000);
    const sd = await virsh(rig.x1.uri, 'shutdown', '--', name);
    expect(sd.exitCode, sd.stderr).toBe(0);
    let state = '';
    for (let i = 0; i < 60 && state !== 'shut off'; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      state = (await virsh(rig.x1.uri, 'domstate', '--', name)).stdout.trim();
    }
    expect(state).toBe('shut off');
  });
});
