/**
 * A private ssh identity the rig's h1 sshd accepts, for one suite: a key made
 * here and authorized there, a known_hosts with h1's host key only, an
 * ssh_config using them (for the CLI: XEND2LIBXL_SSH_CONFIG), and an `ssh -F`
 * wrapper for libvirt's own ssh transport (its `command=` URI parameter).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Rig } from '../rig/rig.js';

export interface SshIdentity {
  key: string;
  knownHosts: string;
  config: string;
  wrapper: string;
}

/** An ssh_config for `identity` and `knownHosts` (a suite may make more than one). */
export function sshConfigFile(file: string, identity: string, knownHosts: string): string {
  writeFileSync(file, ['Host *', `  IdentityFile ${identity}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  GlobalKnownHostsFile /dev/null', '  BatchMode yes', ''].join('\n'));
  return file;
}

export async function sshIdentity(rig: Rig, dir: string): Promise<SshIdentity> {
  const key = path.join(dir, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'xend2libxl-test', '-f', key]);
  await rig.ssh.authorize(`${key}.pub`);
  const knownHosts = path.join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[${rig.ssh.addr}]:${rig.ssh.port} ${readFileSync(rig.ssh.hostKeyFile, 'utf8')}`);
  const config = sshConfigFile(path.join(dir, 'ssh_config'), key, knownHosts);
  const wrapper = path.join(dir, 'ssh');
  writeFileSync(wrapper, `#!/bin/sh\nexec ssh -F '${config}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { key, knownHosts, config, wrapper };
}
