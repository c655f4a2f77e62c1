/**
 * `inventory --host` end to end against a real OpenSSH sshd: the rig's h1 runs
 * one (test/rig/README.md) on 127.0.0.11:2201 inside its own namespace, where
 * /var/lib/xend and /etc/xen are a xend host's files that exist nowhere else on
 * this machine. The key is made here, known_hosts is ours, and the CLI gets them
 * through an ssh_config (XEND2LIBXL_SSH_CONFIG), like an admin's ~/.ssh/config.
 * Each CLI run gets a private TMPDIR, so that leftovers (socket directory, local
 * copy) would be seen.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, repoRoot } from '../helpers/run-cli.js';
import { tempDir } from '../batch/fixture-paths.js';
import { sshConfigFile, sshIdentity } from './ssh-identity.js';
import { convertXmConfigText } from '../../src/convert/from-xmcfg.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig } from '../rig/rig.js';

announceSkip('inventory --host over ssh');

const STORE = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains');
const XM_DIR = path.join(repoRoot, 'fixtures/xmcfg/host/etc/xen');
/** A store path no shell may interpret: quotes, a command substitution, a glob, a semicolon. */
const HOSTILE = `odd 'q' "d" $(touch MARKER) \`touch MARKER\` *;x`;

let rig: Rig;
let work: { dir: string; cleanup: () => void };
let target: string;
let marker: string;

interface Run { code: number; stdout: string; stderr: string; tmp: string }

/** The installed CLI with our ssh_config and a private TMPDIR. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  const tmp = path.join(work.dir, `tmp-${Math.random().toString(36).slice(2)}`);
  mkdirSync(tmp);
  return new Promise((resolve) => {
    execFile(process.execPath, [binPath, ...args], { cwd: work.dir, timeout: 120_000, maxBuffer: 64 << 20, env: { PATH: process.env.PATH, TMPDIR: tmp, XEND2LIBXL_SSH_CONFIG: path.join(work.dir, 'ssh_config'), ...env } }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr, tmp });
    });
  });
}

const sshConfig = (name: string, identity: string, knownHosts: string) => sshConfigFile(path.join(work.dir, name), identity, knownHosts);

describe.skipIf(libvirtSkipped)('inventory --host over ssh (real sshd on the rig)', () => {
  beforeAll(async () => {
    rig = await ensureRig();
    work = tempDir('xend2libxl-ssh-');
    await sshIdentity(rig, work.dir);
    // The xend host's files, seen only by h1's sshd sessions.
    rmSync(path.join(rig.ssh.xendDir, 'domains'), { recursive: true, force: true });
    cpSync(STORE, path.join(rig.ssh.xendDir, 'domains'), { recursive: true });
    for (const f of readdirSync(rig.ssh.etcXenDir)) rmSync(path.join(rig.ssh.etcXenDir, f), { recursive: true, force: true });
    cpSync(XM_DIR, rig.ssh.etcXenDir, { recursive: true, verbatimSymlinks: true });
    marker = path.join(work.dir, 'MARKER');
    rmSync(path.join(rig.ssh.xendDir, HOSTILE), { recursive: true, force: true });
    mkdirSync(path.join(rig.ssh.xendDir, HOSTILE, 'domains'), { recursive: true });
    cpSync(path.join(STORE, '3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51'), path.join(rig.ssh.xendDir, HOSTILE, 'domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51'), { recursive: true });
    target = `root@${rig.ssh.addr}:${rig.ssh.port}`;
    for (const at of [path.join(homedir(), 'MARKER'), '/MARKER']) rmSync(at, { force: true });
  }, 15 * 60_000);
  afterAll(() => {
    if (rig) rmSync(path.join(rig.ssh.xendDir, HOSTILE), { recursive: true, force: true });
    work?.cleanup();
  });

  it('lists the host\'s store, its xend-config.sxp and its xm configs exactly as a local run on the same files does', async () => {
    const sshdLog = path.join(path.dirname(rig.ssh.hostKeyFile), 'sshd.log');
    const logins = () => (readFileSync(sshdLog, 'utf8').match(/Accepted publickey for root/g) ?? []).length;
    const before = logins();
    const remote = await cli(['inventory', '--host', target, '--json']);
    // One connection, authenticated once, carried the master and the archive.
    expect(logins() - before).toBe(1);
    const local = await cli(['inventory', '--xend-root', STORE, '--xend-config', path.join(XM_DIR, 'xend-config.sxp'), '--json']);
    expect(remote.stderr).not.toMatch(/error:/);
    expect(remote.code).toBe(local.code);
    const show = `${target.replace(/:\d+$/, '')}:`;
    // Same entries, problems and summary; paths name the host's files. uuids derived from a path
    // (xm configs without one) must be the ones the host's own path gives, so they are compared as is.
    let mapped = local.stdout.replaceAll(STORE, `${show}/var/lib/xend/domains`).replaceAll(XM_DIR, `${show}/etc/xen`);
    mapped = mapped.replaceAll(`derived from the path ${show}/etc/xen/`, 'derived from the path /etc/xen/');
    let derived = 0;
    for (const f of readdirSync(XM_DIR).filter((n) => n.endsWith('.cfg'))) {
      const text = readFileSync(path.join(XM_DIR, f));
      const here = convertXmConfigText(text, { file: f, uuidPath: path.join(XM_DIR, f) }).derivedUuid;
      const there = convertXmConfigText(text, { file: f, uuidPath: `/etc/xen/${f}` }).derivedUuid;
      if (here && there) {
        mapped = mapped.replaceAll(here.uuid, there.uuid);
        derived++;
      }
    }
    expect(derived).toBeGreaterThan(0);
    const hostView = JSON.parse(remote.stdout) as unknown;
    const localView = JSON.parse(mapped) as { domains: { uuid: string | null; path: string; problems: { message: string }[] }[] };
    expect(hostView).toEqual(localView);
    const inv = JSON.parse(remote.stdout) as { domains: { name: string | null; path: string; autostart: boolean | null; problems: { code: string; message: string }[] }[] };
    // The suspend image travelled as size + signature only, and reads the same.
    const mail = inv.domains.find((d) => d.name === 'mail01')!;
    expect(mail.problems.find((p) => p.code === 'INV_CHECKPOINT')?.message).toContain('(4195 bytes)');
    expect(mail.path).toBe(`${show}/var/lib/xend/domains/1b2c3d4e-5f60-4718-829a-3b4c5d6e7f80/config.sxp`);
    // xm configs came along, with autostart from the auto/ links.
    const xm = inv.domains.filter((d) => d.path.startsWith(`${show}/etc/xen/`));
    expect(xm.length).toBeGreaterThan(0);
    expect(xm.some((d) => d.autostart === true)).toBe(true);
    // Nothing left behind: no socket directory, no local copy.
    expect(readdirSync(remote.tmp)).toEqual([]);
  });

  it('the table names the host\'s paths, not the local copy', async () => {
    const r = await cli(['inventory', '--host', target]);
    expect(r.stdout).toContain('mail01');
    expect(`${r.stdout}${r.stderr}`).not.toContain(r.tmp);
    expect(r.stderr).toContain(`reading ${target.replace(/:\d+$/, '')}:/var/lib/xend/domains`);
  });

  it('passes a hostile store path literally through the remote shell', async () => {
    const r = await cli(['inventory', '--host', target, '--xend-root', `/var/lib/xend/${HOSTILE}/domains`, '--no-xm-configs', '--json']);
    expect(r.stderr).not.toMatch(/error:/);
    const inv = JSON.parse(r.stdout) as { domains: { name: string; path: string }[] };
    expect(inv.domains.map((d) => d.name)).toEqual(['web01']);
    expect(inv.domains[0].path).toContain(HOSTILE);
    // A shell that ran the substitution would have made MARKER in the remote user's home (before the
    // script's cd /) or in /.
    for (const at of [path.join(homedir(), 'MARKER'), '/MARKER', marker]) expect([at, existsSync(at)]).toEqual([at, false]);
  });

  it('convert --host converts the host\'s store here, with the host\'s xend-config.sxp, like a local run on the same files', async () => {
    const [outR, outL] = [path.join(work.dir, 'out-remote'), path.join(work.dir, 'out-local')];
    const remote = await cli(['convert', '--host', target, '/var/lib/xend/domains', '--xend-config', '/etc/xen/xend-config.sxp', '-o', outR, '--json']);
    const local = await cli(['convert', STORE, '--xend-config', path.join(XM_DIR, 'xend-config.sxp'), '-o', outL, '--json']);
    expect(remote.code).toBe(local.code);
    const files = readdirSync(outL).sort();
    expect(files.length).toBeGreaterThan(3);
    expect(readdirSync(outR).sort()).toEqual(files);
    for (const f of files) expect([f, readFileSync(path.join(outR, f), 'utf8')]).toEqual([f, readFileSync(path.join(outL, f), 'utf8')]);
    const show = `${target.replace(/:\d+$/, '')}:`;
    const sources = (r: string) => (JSON.parse(r) as { results: { source: string }[] }).results.map((x) => x.source);
    expect(sources(remote.stdout)).toEqual(sources(local.stdout).map((p) => p.replace(STORE, `${show}/var/lib/xend/domains`)));
    expect(readdirSync(remote.tmp)).toEqual([]);
    const missing = await cli(['convert', '--host', target, '/var/lib/xend/nope']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no such file or directory: /var/lib/xend/nope (on the host)');
  });

  it('follows xend-domains-path of the host\'s xend-config.sxp, and takes a missing default store as empty', async () => {
    const config = path.join(rig.ssh.etcXenDir, 'xend-config.sxp');
    const original = readFileSync(config, 'utf8');
    const alt = path.join(rig.ssh.xendDir, 'ssh-alt/domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51');
    try {
      mkdirSync(alt, { recursive: true });
      cpSync(path.join(STORE, '3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp'), path.join(alt, 'config.sxp'));
      writeFileSync(config, original.replace('(xend-domains-path /var/lib/xend/domains)', '(xend-domains-path /var/lib/xend/ssh-alt/domains)'));
      const moved = await cli(['inventory', '--host', target, '--no-xm-configs', '--json']);
      expect(moved.stderr).not.toMatch(/error/);
      const inv = JSON.parse(moved.stdout) as { domains: { name: string; path: string }[] };
      expect(inv.domains.map((d) => [d.name, d.path])).toEqual([['web01', `${target.replace(/:\d+$/, '')}:/var/lib/xend/ssh-alt/domains/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp`]]);
      writeFileSync(config, original.replace('(xend-domains-path /var/lib/xend/domains)', '(xend-domains-path /var/lib/xend/none)'));
      const none = await cli(['inventory', '--host', target, '--json']);
      expect(none.stderr).not.toMatch(/error/);
      const only = JSON.parse(none.stdout) as { domains: { path: string }[] };
      expect(only.domains.length).toBeGreaterThan(0);
      expect(only.domains.every((d) => d.path.includes(':/etc/xen/'))).toBe(true);
    } finally {
      writeFileSync(config, original);
      rmSync(path.join(rig.ssh.xendDir, 'ssh-alt'), { recursive: true, force: true });
    }
  });

  it('names a missing store on the host', async () => {
    const r = await cli(['inventory', '--host', target, '--xend-root', '/var/lib/xend/nope']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('there is no directory /var/lib/xend/nope on the host');
    expect(readdirSync(r.tmp)).toEqual([]);
  });

  it('refuses an unknown host key and does not record it', async () => {
    const empty = path.join(work.dir, 'known_hosts.empty');
    writeFileSync(empty, '');
    const cfg = sshConfig('ssh_config.unknown', path.join(work.dir, 'id_ed25519'), empty);
    const r = await cli(['inventory', '--host', target], { XEND2LIBXL_SSH_CONFIG: cfg });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('host key is not in known_hosts');
    expect(r.stderr).toContain('never adds host keys');
    expect(readFileSync(empty, 'utf8')).toBe('');
    expect(readdirSync(r.tmp)).toEqual([]);
  });

  it('reports refused authentication', async () => {
    const other = path.join(work.dir, 'other_key');
    if (!existsSync(other)) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const cfg = sshConfig('ssh_config.otherkey', other, path.join(work.dir, 'known_hosts'));
    const r = await cli(['inventory', '--host', target], { XEND2LIBXL_SSH_CONFIG: cfg });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ssh authentication refused');
    expect(r.stderr).toContain('BatchMode=yes');
  });

  it('reports an unreachable host', async () => {
    const r = await cli(['inventory', '--host', `root@${rig.ssh.addr}:2299`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the host over ssh');
    expect(r.stderr).toContain('Connection refused');
  });

  it('refuses a host name ssh would read as an option', async () => {
    const r = await cli(['inventory', '--host', '-oProxyCommand=touch MARKER']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must not start with "-"');
    expect(existsSync(marker)).toBe(false);
  });
});
