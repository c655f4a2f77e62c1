/**
 * ssh failures as typed errors with what to do. ssh exits 255 for its own
 * failures and prints OpenSSH's texts (LC_ALL=C); anything else is the remote
 * command's own exit status.
 */
import { Xend2LibxlError } from '../errors.js';

export type SshErrorCode =
  | 'SSH_NOT_INSTALLED'
  | 'SSH_UNREACHABLE'
  | 'SSH_AUTH_REFUSED'
  | 'SSH_HOST_KEY_UNKNOWN'
  | 'SSH_HOST_KEY_CHANGED'
  | 'SSH_TIMEOUT'
  | 'SSH_FAILED'
  | 'SSH_REMOTE_FAILED';

export class SshError extends Xend2LibxlError {
  constructor(code: SshErrorCode, message: string, hint?: string) {
    super(code, message, { hint });
  }
}

/** The last meaningful line ssh printed (its warnings about ControlPath etc. come first). */
function lastLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !/^Warning: Permanently added/.test(l));
  return lines.at(-1) ?? '';
}

/** Classify a failed connection (exit 255) to `label`; `what` says what we were doing. */
export function sshFailure(label: string, stderr: string, what: string): SshError {
  const said = lastLine(stderr);
  const tail = said ? `: ${said}` : '';
  if (/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key for .* has changed/i.test(stderr)) {
    return new SshError('SSH_HOST_KEY_CHANGED', `${label}: its ssh host key has CHANGED since it was recorded in known_hosts (${what})`, 'someone may be intercepting the connection, or the host was reinstalled: check the new key out of band, then fix known_hosts (ssh-keygen -R HOST); xend2libxl never accepts keys by itself');
  }
  if (/Host key verification failed|No .*host key is known for|host key is not known/i.test(stderr)) {
    return new SshError('SSH_HOST_KEY_UNKNOWN', `${label}: its ssh host key is not in known_hosts, so the host cannot be verified (${what})`, `connect once by hand (ssh ${label}), compare the fingerprint out of band and accept it; xend2libxl never adds host keys by itself`);
  }
  if (/Permission denied|Too many authentication failures|no supported authentication methods|Authentication failed/i.test(stderr)) {
    return new SshError('SSH_AUTH_REFUSED', `${label}: ssh authentication refused (${what})${tail}`, `xend2libxl runs ssh non-interactively (BatchMode=yes): load a key into ssh-agent or name one in ~/.ssh/config, and check that ssh ${label} true works without a prompt`);
  }
  if (/Could not resolve hostname|Name or service not known|Connection refused|No route to host|Network is unreachable|Connection timed out|Operation timed out|Connection closed by|Connection reset|kex_exchange_identification|banner exchange/i.test(stderr)) {
    return new SshError('SSH_UNREACHABLE', `${label}: cannot reach the host over ssh (${what})${tail}`, 'check the host name and port, that sshd runs there, and any firewall in between');
  }
  return new SshError('SSH_FAILED', `${label}: ssh failed (${what})${tail || ' without a message'}`, `try ssh -v ${label} true by hand`);
}

export function sshTimeout(label: string, what: string, ms: number): SshError {
  return new SshError('SSH_TIMEOUT', `${label}: no answer over ssh within ${Math.round(ms / 1000)} s (${what})`, 'check the network and the host\'s load, or raise XEND2LIBXL_SSH_TIMEOUT (seconds)');
}
