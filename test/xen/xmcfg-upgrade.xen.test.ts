/**
 * Issue 14 on real libxl (Xen 4.17, libvirt 9, xenrig1): a host whose guests are only `xm create`
 * configs (an empty xend store) is upgraded — the .cfg without uuid gets its derived uuid, the one
 * linked from /etc/xen/auto is autostarted and the other is not, the Python config is refused with
 * the --dryrun hint — and the autostarted one then boots the rig's PV guest to READY.
 * Names are `xr-xm-*` (the hosts are shared). Not exercised: pygrub and disks (the rig has no guest
 * disk images; the configs boot dom0's kernel directly), a --from toolstack (covered for the store
 * path in upgrade-libxl.xen.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenRig } from '../xen-rig/xen-rig.js';
import { rigUuid, virsh } from './convert-inputs.js';

const PREFIX = 'xr-xm-up-';

announceXenSkip('upgrade of xm create domains onto real libxl');
describe.skipIf(xenSkipped)('upgrade of xm create domains onto real libxl', () => {
  let rig: XenRig;
  let work = '';
  const cleanup = async () => {
    const list = await virsh(rig, rig.x1, ['list', '--all', '--name']);
    for (const n of list.stdout.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(PREFIX))) {
      await virsh(rig, rig.x1, ['destroy', '--', n]);
      await virsh(rig, rig.x1, ['undefine', '--', n]);
    }
  };

  beforeAll(async () => {
    rig = await ensureXenRig();
    await cleanup();
    work = mkdtempSync(path.join(tmpdir(), PREFIX));
    const etc = path.join(work, 'etc', 'xen');
    mkdirSync(path.join(etc, 'auto'), { recursive: true });
    mkdirSync(path.join(work, 'var', 'lib', 'xend', 'domains'), { recursive: true });
    writeFileSync(path.join(etc, 'xend-config.sxp'), '(xend-domains-path /var/lib/xend/domains)\n(vif-script vif-bridge)\n');
    const pv = (name: string, extra: string[] = []) =>
      [`name = "${PREFIX}${name}"`, 'memory = 128', `kernel = "${rig.guestKernel}"`, `ramdisk = "${rig.guestInitrd}"`, 'extra = "console=hvc0 quiet"', "vif = [ 'bridge=xenbr0' ]", ...extra, ''].join('\n');
    writeFileSync(path.join(etc, 'web.cfg'), pv('web'));
    writeFileSync(path.join(etc, 'mail.cfg'), pv('mail', [`uuid = "${rigUuid(`${PREFIX}mail`)}"`]));
    writeFileSync(path.join(etc, 'gen.cfg'), `import socket\n${pv('gen').replace(`"${PREFIX}gen"`, `"${PREFIX}" + socket.gethostname()`)}`);
    symlinkSync('../web.cfg', path.join(etc, 'auto', 'web.cfg'));
  });
  afterAll(async () => {
    if (rig) await cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('defines both configs, autostarts the linked one, refuses the code config; the autostarted one boots', async () => {
    const etc = path.join(work, 'etc', 'xen');
    const args = ['--xend-root', path.join(work, 'var/lib/xend/domains'), '--xend-config', path.join(etc, 'xend-config.sxp')];
    const inv = JSON.parse((await runCli(['inventory', ...args, '--json'])).stdout) as { domains: { name: string | null; uuid: string | null }[] };
    const derived = inv.domains.find((d) => d.name === `${PREFIX}web`)?.uuid;
    expect(derived).toMatch(/^[0-9a-f-]{36}$/);

    const r = await runCli(['upgrade', ...args, '--to', rig.x1.uri, '--backup-dir', path.join(work, 'backup'), '--yes', '--json']);
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string; error?: { code: string; message: string } }[] };
    expect(Object.fromEntries(report.domains.map((d) => [d.name, d.status]))).toEqual({ 'gen.cfg': 'failed', [`${PREFIX}mail`]: 'done', [`${PREFIX}web`]: 'done' });
    expect(report.domains.find((d) => d.name === 'gen.cfg')?.error).toMatchObject({ code: 'XMCFG_PYTHON_CODE' });
    expect(report.domains.find((d) => d.name === 'gen.cfg')?.error?.message).toContain('xm create --quiet --dryrun');
    expect(r.code).toBe(1);

    const auto = (await virsh(rig, rig.x1, ['list', '--all', '--autostart', '--name'])).stdout.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(PREFIX));
    expect(auto).toEqual([`${PREFIX}web`]);
    expect((await virsh(rig, rig.x1, ['domuuid', `${PREFIX}web`])).stdout.trim()).toBe(derived);
    expect((await virsh(rig, rig.x1, ['domuuid', `${PREFIX}mail`])).stdout.trim()).toBe(rigUuid(`${PREFIX}mail`));

    await rig.clearConsole(rig.x1, `${PREFIX}web`);
    const start = await virsh(rig, rig.x1, ['start', `${PREFIX}web`]);
    expect(start.exitCode, start.stderr).toBe(0);
    await rig.waitForReady(rig.x1, `${PREFIX}web`, 180_000);
  }, 600_000);
});
