/**
 * ansible/fleet.yml's live evacuation stage against the rig: a guest on h1
 * (whose libvirtd the control node reaches over the rig's real sshd with
 * libvirt's ssh transport) moves to its peer h2. --check runs the CLI's
 * --dry-run and moves nothing (changed=0); the real run moves it (changed=1).
 * Only this suite's guest is moved (--match): the rig is shared.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { tempDir } from '../batch/fixture-paths.js';
import { announceSkip, libvirtSkipped } from '../rig/rig.js';
import { startGuest, uniqueName, useRig, where } from '../migrate/rig-helpers.js';
import { recap, requireAnsible, runPlaybook } from './ansible-harness.js';
import { sshIdentity } from '../remote/ssh-identity.js';

announceSkip('ansible fleet playbook: evacuate');

describe.skipIf(libvirtSkipped)('ansible/fleet.yml evacuate stage on the rig (h1 over ssh → h2)', () => {
  const names: string[] = [];
  const lab = useRig(names);
  let work: { dir: string; cleanup: () => void };
  let name: string;

  beforeAll(async () => {
    requireAnsible();
    work = tempDir('xend2libxl-ansible-evac-');
    const { config, wrapper } = await sshIdentity(lab.rig, work.dir);
    name = uniqueName('ans-evac');
    names.push(name);
    const socket = new URL(lab.rig.h1.uri.replace(/^qemu\+unix:/, 'http:')).searchParams.get('socket')!;
    const h1Uri = `qemu+ssh://root@${lab.rig.ssh.addr}:${lab.rig.ssh.port}/system?socket=${socket}&command=${wrapper}&no_tty=1`;
    writeFileSync(path.join(work.dir, 'hosts.ini'), [
      'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3',
      '[xend_hosts]',
      `h1 ansible_host=${lab.rig.ssh.addr} ansible_port=${lab.rig.ssh.port} ansible_user=root xend2libxl_uri='${h1Uri}'`,
      '[xend_peers]',
      `h2 xend2libxl_uri='${lab.rig.h2.tcpUri}'`,
      '',
    ].join('\n'));
    writeFileSync(path.join(work.dir, 'vars.json'), JSON.stringify({
      xend2libxl_command: [process.execPath, binPath],
      xend2libxl_environment: { XEND2LIBXL_SSH_CONFIG: config },
      xend2libxl_stages: ['evacuate'],
      xend2libxl_evacuate_args: ['--match', name],
    }));
    await startGuest(lab.rig, lab.rig.h1, name);
  }, 15 * 60_000);
  afterAll(() => work?.cleanup());

  const play = (extra: string[]) => runPlaybook(work.dir, ['-i', path.join(work.dir, 'hosts.ini'), '-e', `@${path.join(work.dir, 'vars.json')}`, ...extra, path.join(repoRoot, 'ansible/fleet.yml')]);

  it('--check plans and moves nothing; the real run moves the guest to h2', async () => {
    const check = await play(['--check']);
    expect([check.code, check.stderr]).toEqual([0, '']);
    expect(recap(check, 'h1')).toMatchObject({ failed: 0, changed: 0 });
    expect(await where(lab.rig.h1, name)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h2, name)).state).toBe('absent');

    const real = await play([]);
    expect([real.code, real.stderr]).toEqual([0, '']);
    expect(recap(real, 'h1')).toMatchObject({ failed: 0, changed: 1 });
    expect(await where(lab.rig.h2, name)).toEqual({ state: 'running', persistent: true });
    expect((await where(lab.rig.h1, name)).state).toBe('absent');
  });
});
