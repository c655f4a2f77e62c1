/**
 * qemu character-device strings as xend passed them to qemu-dm (`pty`,
 * `/dev/ttyS0`, `tcp:host:port,server,nowait`, `udp:h:p@h:p`, …) → libvirt terms.
 */
import type { CharDevModel } from './model.js';

export class CharDevError extends Error {}

function hostService(s: string, what: string): [string, string] {
  const i = s.lastIndexOf(':');
  if (i < 0) throw new CharDevError(`malformed ${what} address '${s}' (expected HOST:PORT)`);
  return [s.slice(0, i), s.slice(i + 1)];
}

export function parseCharDev(spec: string, port: number): CharDevModel {
  const s = spec.trim();
  if (s.startsWith('/')) return { type: 'dev', path: s, port };
  if (s === 'pty' || s === 'null' || s === 'stdio' || s === 'vc') return { type: s, port };
  const colon = s.indexOf(':');
  if (colon < 0) throw new CharDevError(`unknown character device '${s}'`);
  const kind = s.slice(0, colon);
  const rest = s.slice(colon + 1);
  switch (kind) {
    case 'file':
    case 'pipe':
      return { type: kind, path: rest, port };
    case 'tcp':
    case 'telnet': {
      const [addr, ...opts] = rest.split(',');
      const [host, service] = hostService(addr, kind);
      return { type: 'tcp', host, service, mode: opts.includes('server') ? 'bind' : 'connect', protocol: kind === 'telnet' ? 'telnet' : 'raw', port };
    }
    case 'udp': {
      const [connect, bind] = rest.split('@');
      const [host, service] = hostService(connect, 'udp');
      const dev: CharDevModel = { type: 'udp', host, service, port };
      if (bind !== undefined) [dev.bindHost, dev.bindService] = hostService(bind, 'udp bind');
      return dev;
    }
    case 'unix': {
      const [path, ...opts] = rest.split(',');
      return { type: 'unix', path, mode: opts.includes('server') ? 'bind' : 'connect', port };
    }
    default:
      throw new CharDevError(`unknown character device type '${kind}'`);
  }
}
