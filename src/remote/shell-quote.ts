/**
 * ssh hands the remote side one command string, which the remote user's login
 * shell parses: every value of ours (paths, names) must reach it quoted, or a
 * name like `x'; rm -rf / #` would run. Single quotes make everything literal in
 * POSIX sh, bash, dash, busybox and csh alike; a single quote itself is written
 * as `'\''`. NUL cannot be passed at all, and a newline inside quotes is fine for
 * sh but not for csh: both are refused.
 */
import { Xend2LibxlError } from '../errors.js';

export function shellQuote(value: string): string {
  if (/[\0\n\r]/.test(value)) {
    throw new Xend2LibxlError('SSH_UNQUOTABLE', `cannot pass ${JSON.stringify(value)} to the remote shell: it contains a NUL or line break`, {
      hint: 'rename the path on the host, or run xend2libxl on the host itself',
    });
  }
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** One remote command line from an argv array, each word quoted. */
export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
