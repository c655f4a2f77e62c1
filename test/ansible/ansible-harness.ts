/**
 * What the playbook suites share: a private ssh identity the rig's h1 sshd
 * accepts (key, known_hosts, ssh_config, and a `ssh -F` wrapper for libvirt's
 * own ssh transport), ansible-playbook runs, and the PLAY RECAP.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Rig } from '../rig/rig.js';

export interface SshIdentity {
  config: string;
  /** An `ssh` for libvirt's `command=` URI parameter: ssh with our config. */
  wrapper: string;
}

export async function sshIdentity(rig: Rig, dir: string): Promise<SshIdentity> {
  try {
    execFileSync('ansible-playbook', ['--version'], { stdio: 'pipe' });
  } catch {
    throw new Error('ansible-playbook is not installed: apt install ansible-core (.ci/run does), or set XEND2LIBXL_SKIP_LIBVIRT=1 to skip the rig suites');
  }
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
  await rig.ssh.authorize(`${key}.pub`);
  const known = path.join(dir, 'known_hosts');
  writeFileSync(known, `[${rig.ssh.addr}]:${rig.ssh.port} ${readFileSync(rig.ssh.hostKeyFile, 'utf8')}`);
  const config = path.join(dir, 'ssh_config');
  writeFileSync(config, ['Host *', `  IdentityFile ${key}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${known}`, '  GlobalKnownHostsFile /dev/null', '  BatchMode yes', ''].join('\n'));
  const wrapper = path.join(dir, 'ssh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F '${config}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { config, wrapper };
}

export interface Play {
  code: number;
  stdout: string;
  stderr: string;
}

export function runPlaybook(dir: string, args: string[]): Promise<Play> {
  return new Promise((resolve) => {
    execFile('ansible-playbook', args, {
      cwd: dir,
      timeout: 300_000,
      maxBuffer: 64 << 20,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_HOST_KEY_CHECKING: 'True', ANSIBLE_LOCAL_TEMP: path.join(dir, 'ansible-tmp'), HOME: dir },
    }, (err, stdout, stderr) => {
      const code = err ? (err as { code?: unknown }).code : 0;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

/** A host's line of the PLAY RECAP. */
export function recap(r: Play, host: string): { ok: number; changed: number; unreachable: number; failed: number } {
  const m = new RegExp(`^${host}\\s+:\\s+ok=(\\d+)\\s+changed=(\\d+)\\s+unreachable=(\\d+)\\s+failed=(\\d+)`, 'm').exec(r.stdout);
  if (!m) throw new Error(`no PLAY RECAP for ${host} in:\n${r.stdout}\n${r.stderr}`);
  return { ok: Number(m[1]), changed: Number(m[2]), unreachable: Number(m[3]), failed: Number(m[4]) };
}
