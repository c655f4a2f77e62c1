/**
 * ansible/inventory.yml with Debian's ansible-core against the rig: the CLI
 * runs on the control node (delegate_to: localhost) and reads h1 over the
 * rig's real sshd (`inventory --host`). Checked: the registered fact is the
 * CLI's own JSON, errors stop the play unless allowed, --check runs the
 * read-only inventory and changes nothing, an unreachable host fails with the
 * CLI's message. Only the inventory stage of the fleet plan exists so far.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
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

interface Play { code: number; stdout: string; stderr: string }

function playbook(extra: string[], hosts = 'hosts.ini'): Promise<Play> {
  return new Promise((resolve) => {
    rmSync(path.join(work.dir, 'record'), { recursive: true, force: true });
    mkdirSync(path.join(work.dir, 'record'));
    execFile('ansible-playbook', ['-i', path.join(work.dir, hosts), '-e', `@${path.join(work.dir, 'vars.json')}`, '-e', `record_dir=${path.join(work.dir, 'record')}`, ...extra, PLAYBOOK], {
      cwd: work.dir,
      timeout: 300_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_LOCAL_TEMP: path.join(work.dir, 'ansible-tmp'), HOME: work.dir },
    }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** h1's line of the PLAY RECAP. */
function recap(r: Play): { ok: number; changed: number; failed: number; unreachable: number } {
  const m = /^h1\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/m.exec(r.stdout);
  if (!m) throw new Error(`no PLAY RECAP for h1 in:\n${r.stdout}\n${r.stderr}`);
  return { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) };
}

const recorded = () => JSON.parse(readFileSync(path.join(work.dir, 'record/h1.json'), 'utf8')) as { summary: { domains: number; error: number } };

describe.skipIf(libvirtSkipped)('ansible/inventory.yml against the rig (real sshd, ansible-core)', () => {
  beforeAll(async () => {
    try {
      execFileSync('ansible-playbook', ['--version'], { stdio: 'pipe' });
    } catch {
      throw new Error('ansible-playbook is not installed: apt install ansible-core (.ci/run does), or set XEND2LIBXL_SKIP_LIBVIRT=1 to skip the rig suites');
    }
    rig = await ensureRig();
    work = tempDir('xend2libxl-ansible-');
    const key = path.join(work.dir, 'id_ed25519');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    await rig.ssh.authorize(`${key}.pub`);
    const known = path.join(work.dir, 'known_hosts');
    writeFileSync(known, `[${rig.ssh.addr}]:${rig.ssh.port} ${readFileSync(rig.ssh.hostKeyFile, 'utf8')}`);
    const config = path.join(work.dir, 'ssh_config');
    writeFileSync(config, ['Host *', `  IdentityFile ${key}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${known}`, '  GlobalKnownHostsFile /dev/null', ''].join('\n'));
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
