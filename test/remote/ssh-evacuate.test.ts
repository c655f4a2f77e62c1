/**
 * evacuate with the source reached over ssh, end to end on the rig: h1's
 * libvirtd through libvirt's own ssh transport and the rig's real sshd
 * (qemu+ssh://…, `nc` to h1's socket on the far side), h2 over TCP. Listing,
 * preflight, monitoring and reconciliation of the source all cross the ssh
 * hop; the migration itself is h1's libvirtd talking to h2 (p2p). The rig
 * runs QEMU, not Xen, so `--host`'s default (xen+ssh://…) cannot be the source
 * here: --from names the qemu+ssh URI (test/migrate/cli.test.ts checks the
 * default). The ssh key, known_hosts and config are this test's own, handed to
 * libvirt through its `command=` parameter (a wrapper running ssh -F).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/run-cli.js';
import { tempDir } from '../batch/fixture-paths.js';
import { announceSkip, libvirtSkipped } from '../rig/rig.js';
import { startGuest, uniqueName, useRig, where } from '../migrate/rig-helpers.js';
import { sshIdentity } from './ssh-identity.js';

announceSkip('evacuate over ssh');

describe.skipIf(libvirtSkipped)('evacuate with the source over ssh (real sshd, h1 → h2)', () => {
  const names: string[] = [];
  const lab = useRig(names);
  let work: { dir: string; cleanup: () => void };
  let wrapper: string;

  beforeAll(async () => {
    work = tempDir('xend2libxl-ssh-evac-');
    ({ wrapper } = await sshIdentity(lab.rig, work.dir));
  }, 15 * 60_000);
  afterAll(() => work?.cleanup());

  it('moves the guest to h2; every look at the source went through sshd', async () => {
    const n = uniqueName('ssh-evac');
    names.push(n);
    await startGuest(lab.rig, lab.rig.h1, n);
    const socket = new URL(lab.rig.h1.uri.replace(/^qemu\+unix:/, 'http:')).searchParams.get('socket')!;
    const from = `qemu+ssh://root@${lab.rig.ssh.addr}:${lab.rig.ssh.port}/system?socket=${socket}&command=${wrapper}&no_tty=1`;
    const sshdLog = path.join(path.dirname(lab.rig.ssh.hostKeyFile), 'sshd.log');
    const logins = () => (readFileSync(sshdLog, 'utf8').match(/Accepted publickey for root/g) ?? []).length;
    const before = logins();
    const r = await runBin(['evacuate', '--from', from, '--to', lab.rig.h2.tcpUri, '--match', n, '--json'], { timeoutMs: 180_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(await where(lab.rig.h2, n)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h1, n)).state).toBe('absent');
    expect(logins() - before).toBeGreaterThan(0);
  });
});
