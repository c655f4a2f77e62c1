/**
 * ansible/inventory.yml with Debian's ansible-core against the rig: the CLI
 * runs on the control node (delegate_to: localhost) and reads h1 over the
 * rig's real sshd (`inventory --host`). Checked: the registered fact is the
 * CLI's own JSON, errors stop the play unless allowed, --check runs the
 * read-only inventory and changes nothing, an unreachable host fails with the
 * CLI's message. Only the inventory stage of the fleet plan exists so far.
 */
import { spawnSync } from 'node:child_process';
import { type Play, recap as recapOf, requireAnsible, runPlaybook } from './ansible-harness.js';
import { sshIdentity } from '../remote/ssh-identity.js';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { tempDir } from '../batch/fixture-paths.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';

announceSkip('ansible inventory playbook');

const STORE = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains');
/** ansible/inventory.yml, plus a play that writes each host's fact to a file for the checks. */
const PLAYBOOK = path.join(repoRoot, 'test/ansible/record.yml');

let rig: Rig;
let work: { dir: string; cleanup: () => void };

function playbook(extra: string[], hosts = 'hosts.ini'): Promise<Play> {
  rmSync(path.join(work.dir, 'record'), { recursive: true, force: true });
  mkdirSync(path.join(work.dir, 'record'));
  return runPlaybook(work.dir, ['-i', path.join(work.dir, hosts), '-e', `@${path.join(work.dir, 'vars.json')}`, '-e', `record_dir=${path.join(work.dir, 'record')}`, ...extra, PLAYBOOK]);
}

const recap = (r: Play) => recapOf(r, 'h1');

const recorded = () => JSON.parse(readFileSync(path.join(work.dir, 'record/h1.json'), 'utf8')) as { summary: { domains: number; error: number } };

describe.skipIf(libvirtSkipped)('ansible/inventory.yml against the rig (real sshd, ansible-core)', () => {
  beforeAll(async () => {
    requireAnsible();
    rig = await ensureRig();
    work = tempDir('xend2libxl-ansible-');
    const { config } = await sshIdentity(rig, work.dir);
    const store = path.join(rig.ssh.xendDir, 'ansible/domains');
    rmSync(path.dirname(store), { recursive: true, force: true });
    cpSync(STORE, store, { recursive: true });
    const local = 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3';
    writeFileSync(path.join(work.dir, 'hosts.ini'), `${local}\n[xend_hosts]\nh1 ansible_host=${rig.ssh.addr} ansible_port=${rig.ssh.port} ansible_user=root\n`);
    writeFileSync(path.join(work.dir, 'unreachable.ini'), `${local}\n[xend_hosts]\nh1 ansible_host=${rig.ssh.addr} ansible_port=2299 ansible_user=root\n`);
    writeFileSync(path.join(work.dir, 'vars.json'), JSON.stringify({
      xend2libxl_command: [process.execPath, binPath],
      xend2libxl_environment: { XEND2LIBXL_SSH_CONFIG: config },
      xend2libxl_inventory_args: ['--xend-root', '/var/lib/xend/ansible/domains', '--no-xm-configs'],
    }));
  }, 15 * 60_000);
  afterAll(() => {
    if (rig) rmSync(path.join(rig.ssh.xendDir, 'ansible'), { recursive: true, force: true });
    work?.cleanup();
  });

  it('stops on a host whose inventory has errors, naming them', async () => {
    const r = await playbook([]);
    expect(r.code).toBe(2);
    expect(recap(r)).toMatchObject({ failed: 1, changed: 0 });
    expect(r.stdout).toMatch(/h1: \d+ of \d+ entries have errors: .*\/var\/lib\/xend\/ansible\/domains\//);
  });

  it('with errors allowed: the fact is the CLI\'s own JSON, nothing changed; --check does the same', async () => {
    // exit 1 (entries with errors) with the report on stdout
    const cli = spawnSync(process.execPath, [binPath, 'inventory', '--host', `root@${rig.ssh.addr}:${rig.ssh.port}`, '--json', '--quiet', '--xend-root', '/var/lib/xend/ansible/domains', '--no-xm-configs'], {
      env: { PATH: process.env.PATH, XEND2LIBXL_SSH_CONFIG: path.join(work.dir, 'ssh_config') },
      encoding: 'utf8',
    });
    expect(cli.status).toBe(1);
    const direct = JSON.parse(cli.stdout) as { summary: { error: number } };
    expect(direct.summary.error).toBeGreaterThan(0);
    for (const extra of [[], ['--check']]) {
      const r = await playbook(['-e', 'xend2libxl_allow_errors=true', ...extra]);
      expect([extra, r.code, r.stderr]).toEqual([extra, 0, '']);
      expect(recorded()).toEqual(direct);
      expect(recap(r)).toMatchObject({ failed: 0, changed: 0 });
    }
  });

  it('an unreachable host fails with the CLI\'s message', async () => {
    const r = await playbook([], 'unreachable.ini');
    expect(r.code).toBe(2);
    expect(recap(r)).toMatchObject({ failed: 1 });
    expect(r.stdout).toContain('cannot reach the host over ssh');
  });
});
