/**
 * `upgrade --host` end to end: this machine upgrades the rig's h1 over ssh
 * (its sshd, test/rig/README.md). The store is read on h1 (a path that exists
 * only in its namespace), the domain is defined on h1's libvirt test driver,
 * the switch command runs on h1 (its output lands in h1's files, written by a
 * shell whose hostname is h1), and backup, journal and store copy stay here.
 * Then --rollback, from the kept copy.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { tempDir } from '../batch/fixture-paths.js';
import { sshIdentity } from './ssh-identity.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig, type TestDriverHolder } from '../rig/rig.js';

announceSkip('upgrade --host over ssh');

const NAME = 'ssh-upg-web';
const UUID = '5e1f0000-7a7a-4b4b-8c8c-0000000000a1';
const WEB01 = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp');

let rig: Rig;
let holder: TestDriverHolder;
let work: { dir: string; cleanup: () => void };
let target: string;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [binPath, ...args], { cwd: work.dir, timeout: 300_000, maxBuffer: 64 << 20, env: { PATH: process.env.PATH, XEND2LIBXL_SSH_CONFIG: path.join(work.dir, 'ssh_config') } }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

const defined = () => execFileSync('virsh', ['-q', '-c', holder.uri, 'list', '--all', '--name'], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } }).split('\n').map((s) => s.trim());
const purge = () => execFileSync('virsh', ['-q', '-c', holder.uri, 'undefine', NAME], { stdio: 'ignore', env: { ...process.env, LC_ALL: 'C' } });

describe.skipIf(libvirtSkipped)('upgrade --host over ssh (real sshd, h1 test driver)', () => {
  beforeAll(async () => {
    rig = await ensureRig();
    holder = await rig.testDriverHolder(rig.h1);
    try { purge(); } catch { /* not defined */ }
    work = tempDir('xend2libxl-ssh-upg-');
    await sshIdentity(rig, work.dir);
    const store = path.join(rig.ssh.xendDir, 'ssh-upgrade');
    rmSync(store, { recursive: true, force: true });
    mkdirSync(path.join(store, 'domains', UUID), { recursive: true });
    const text = readFileSync(WEB01, 'utf8').replace('(name web01)', `(name ${NAME})`).replace('(uuid 3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51)', `(uuid ${UUID})`);
    expect(text).toContain(UUID);
    writeFileSync(path.join(store, 'domains', UUID, 'config.sxp'), text);
    target = `root@${rig.ssh.addr}:${rig.ssh.port}`;
  }, 15 * 60_000);
  afterAll(async () => {
    try { purge(); } catch { /* gone */ }
    await holder?.close();
    if (rig) rmSync(path.join(rig.ssh.xendDir, 'ssh-upgrade'), { recursive: true, force: true });
    work?.cleanup();
  });

  it('defines the host\'s domain, runs the switch command on the host, keeps backup, journal and store copy here; --rollback undoes it from the copy', async () => {
    const backup = path.join(work.dir, 'backup');
    const r = await cli(['upgrade', '--host', target, '--xend-root', '/var/lib/xend/ssh-upgrade/domains', '--no-xm-configs', '--to', holder.uri, '--backup-dir', backup, '--yes', '--json',
      '--switch-command', "hostname > /var/lib/xend/ssh-upgrade/switched; echo \"it's here\" >> /var/lib/xend/ssh-upgrade/switched"]);
    expect(r.stderr).not.toMatch(/error/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string }[] };
    expect(report.domains.map((d) => [d.name, d.status])).toEqual([[NAME, 'done']]);
    expect(defined()).toContain(NAME);
    // Ran on h1, by h1's shell, literally.
    expect(readFileSync(path.join(rig.ssh.xendDir, 'ssh-upgrade/switched'), 'utf8')).toBe("h1\nit's here\n");
    expect(existsSync('/var/lib/xend/ssh-upgrade')).toBe(false);
    // Backup and journal here; the store copy beside them, private.
    const journal = readFileSync(path.join(backup, 'journal.json'), 'utf8');
    expect(journal).toContain(`${backup}.host-store/root/var/lib/xend/ssh-upgrade/domains`);
    // The switch command is journaled as the ssh call that runs it on the host, so --resume runs it there too.
    expect(journal).toContain(`'--' '${rig.ssh.addr}'`);
    expect(statSync(`${backup}.host-store`).mode & 0o777).toBe(0o700);

    const back = await cli(['upgrade', '--host', target, '--to', holder.uri, '--backup-dir', backup, '--rollback', '--yes']);
    expect(back.stderr).not.toMatch(/error/);
    expect(back.code).toBe(0);
    expect(defined()).not.toContain(NAME);
  });
});
