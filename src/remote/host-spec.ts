/**
 * `--host [USER@]HOST[:PORT]`: which dom0 to reach over ssh. Parsed strictly,
 * because the pieces end up on ssh's command line: a host that started with `-`
 * would be read as an ssh option (`-oProxyCommand=…` runs a command locally), so
 * only the characters a host name, an IPv4/IPv6 address or a user name can hold
 * are accepted. IPv6 with a port needs brackets: `[2001:db8::1]:2222`.
 */
import { UsageError } from '../errors.js';

export interface HostSpec {
  user?: string;
  host: string;
  port?: number;
  /** How the host is shown in messages and output paths: `USER@HOST` or `HOST` (no port). */
  label: string;
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,63}$/;
const NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,252})$/;
const IPV6 = /^[0-9A-Fa-f:.]+(?:%[A-Za-z0-9_.-]+)?$/;

export function parseHostSpec(spec: string): HostSpec {
  const bad = (why: string) =>
    new UsageError(`--host ${JSON.stringify(spec)}: ${why}`, 'write it as [USER@]HOST[:PORT], e.g. root@dom0.example.org or root@[2001:db8::1]:2222');
  let rest = spec;
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (!USER.test(user)) throw bad('the user name may hold only letters, digits, ".", "_" and "-", and must not start with "-"');
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) throw bad('an IPv6 address opened with "[" must be closed with "]"');
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) throw bad(`unexpected ${JSON.stringify(after)} after the address`);
    portText = after === '' ? undefined : after.slice(1);
    if (!IPV6.test(host) || !host.includes(':')) throw bad('not an IPv6 address between the brackets');
  } else if ((rest.match(/:/g) ?? []).length > 1) {
    host = rest; // a bare IPv6 address, no port
    if (!IPV6.test(host)) throw bad('not a host name or address');
  } else {
    const colon = rest.indexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!NAME.test(host)) throw bad('a host name may hold only letters, digits, ".", "_" and "-", and must not start with "-"');
  }
  let port: number | undefined;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw bad('the port must be a number from 1 to 65535');
  }
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { user, host, port, label: user === undefined ? shownHost : `${user}@${shownHost}` };
}

/** libvirt's URI for the host's libxl driver over ssh (`xen+ssh://USER@HOST[:PORT]/system`). */
export function xenSshUri(h: HostSpec): string {
  const host = h.host.includes(':') ? `[${h.host}]` : h.host;
  return `xen+ssh://${h.user === undefined ? '' : `${h.user}@`}${host}${h.port === undefined ? '' : `:${h.port}`}/system`;
}

/** `--host` on migrate/evacuate: the source host, reached as xen+ssh:// unless --from names another URI. */
export function sourceFromHost(opts: { host?: string; from?: string }): void {
  if (opts.host !== undefined && opts.from === undefined) opts.from = xenSshUri(parseHostSpec(opts.host));
}
