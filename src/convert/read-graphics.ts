/**
 * Graphics from `(device (vfb …))` (xend ≥ 3.0.4) or, when there is none, from
 * the legacy image keys (`vnc`, `sdl`, `vncdisplay`, …). The VNC password is
 * kept: xend enforced it, and dropping it would open the console to anyone who
 * can reach the port.
 */
import { firstChild } from '../sxp/key-index.js';
import type { SxpList } from '../sxp/model.js';
import type { GraphicsModel } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, parseXendNumber, strVal } from './sxp-values.js';
import { quote } from './quote.js';
import { isSchemaListen } from './schema-values.js';

const MAX_PORT = 65535;

function vncFrom(ctx: ReadContext, src: SxpList, image: SxpList | undefined): GraphicsModel {
  const g: GraphicsModel = { type: 'vnc', pos: src.pos };
  const display = atomVal(src, 'vncdisplay');
  const unused = strVal(src, 'vncunused');
  if (display) {
    const n = parseXendNumber(display.value);
    const port = n === undefined || n < 0 ? undefined : n < 5900 ? 5900 + n : n;
    if (port === undefined || port > MAX_PORT) ctx.warn('INVALID_VALUE', `vncdisplay ${quote(display.value)} is not a display number (port 5900-${MAX_PORT}); a free port is picked instead`, display);
    else g.port = port;
  }
  g.autoport = g.port === undefined;
  // xend's default is vncunused=1: the display number was only a first try. libxl has no such
  // fallback, and a port given with autoport='yes' is discarded, so the port is kept fixed.
  if (g.port !== undefined && (unused === undefined || !unused.startsWith('0'))) {
    ctx.warn('VNC_PORT_FIXED', `VNC display ${g.port - 5900} (port ${g.port}) was xend's first choice, with the next free display taken when it was busy (vncunused); libxl has no such fallback, so port ${g.port} is now fixed and must be free when the guest starts`, display);
  }
  const listen = strVal(src, 'vnclisten') ?? ctx.defaults.vncListen;
  if (listen && !isSchemaListen(listen)) {
    ctx.warn('INVALID_VALUE', `vnclisten ${quote(listen)} is neither an IP address nor a host name libvirt accepts; VNC listens on libvirt's default (127.0.0.1) instead`, atomVal(src, 'vnclisten') ?? src);
  } else if (listen) g.listen = listen;
  // `(vncpasswd '')` explicitly means "no password"; absent means xend-config's default.
  const passwd = firstChild(src, 'vncpasswd') ? strVal(src, 'vncpasswd') : ctx.defaults.vncPassword;
  if (passwd) {
    g.passwd = passwd;
    // Seen on the Xen rig (Debian 12, qemu-system-xen 7.2): qemu refuses to start the display, so the guest does not start.
    ctx.warn('VNC_PASSWORD_NEEDS_DES', "the VNC password is kept, but VNC password authentication needs DES in the host's qemu: Debian 12's qemu-system-xen has none, and there the guest does not start (\"Cipher backend does not support DES algorithm\"). Check the target's qemu, or remove passwd and restrict the listen address", atomVal(src, 'vncpasswd') ?? src);
  }
  const keymap = strVal(src, 'keymap') ?? strVal(image, 'keymap') ?? ctx.defaults.keymap;
  if (keymap) g.keymap = keymap;
  return g;
}

function sdlFrom(src: SxpList): GraphicsModel {
  const g: GraphicsModel = { type: 'sdl', pos: src.pos };
  const display = strVal(src, 'display');
  if (display) g.display = display;
  const xauth = strVal(src, 'xauthority');
  if (xauth) g.xauthority = xauth;
  return g;
}

export function readVfb(ctx: ReadContext, vfb: SxpList, image: SxpList | undefined): GraphicsModel | undefined {
  const type = strVal(vfb, 'type');
  const has = (k: string) => atomVal(vfb, k) !== undefined;
  const isOn = (k: string) => strVal(vfb, k)?.startsWith('1') ?? false;
  if (type === 'vnc' || (!type && (isOn('vnc') || (has('vnc') && !isOn('sdl'))))) return vncFrom(ctx, vfb, image);
  if (type === 'sdl' || (!type && has('sdl'))) return sdlFrom(vfb);
  if (!type && (has('vncunused') || has('vncdisplay') || has('vnclisten'))) return vncFrom(ctx, vfb, image);
  ctx.warn('VFB_UNKNOWN_TYPE', `framebuffer device has no vnc/sdl type${type ? ` ('${type}')` : ''}; the guest gets no graphical console`, vfb);
  return undefined;
}

/** Pre-3.0.4 PV and pre-3.0.5 HVM configs kept graphics in the image. */
export function readLegacyGraphics(ctx: ReadContext, image: SxpList): GraphicsModel | undefined {
  if (strVal(image, 'vnc')?.startsWith('1')) return vncFrom(ctx, image, image);
  if (strVal(image, 'sdl')?.startsWith('1')) return sdlFrom(image);
  return undefined;
}

/**
 * `(spice 1) (spiceport N) (spicehost ADDR) (spicetls_port N) (spicepasswd P)
 * (spicedisable_ticketing 1)` in the HVM image or platform (xl's option names,
 * written by xend builds that backported SPICE) → `<graphics type='spice'>`,
 * which libvirt's libxl driver passes to libxl (HVM only).
 */
export function readSpice(ctx: ReadContext, get: (key: string) => string | undefined, at: (key: string) => SxpList | undefined, hvm: boolean): GraphicsModel | undefined {
  const on = get('spice');
  if (on === undefined || !/^(1|true|yes|on)$/i.test(on.trim())) return undefined;
  const pos = at('spice');
  if (!hvm) {
    ctx.warn('INVALID_VALUE', 'spice 1 is set on a PV guest; libxl offers SPICE to HVM guests only, so the guest gets no SPICE display', pos);
    return undefined;
  }
  const g: GraphicsModel = { type: 'spice', pos: pos?.pos };
  const port = (key: string): number | undefined => {
    const v = get(key);
    if (v === undefined) return undefined;
    const n = parseXendNumber(v);
    if (n !== undefined && n > 0 && n <= MAX_PORT) return n;
    ctx.warn('INVALID_VALUE', `${key} ${quote(v)} is not a TCP port; a free port is picked instead`, at(key));
    return undefined;
  };
  g.port = port('spiceport');
  g.tlsPort = port('spicetls_port');
  g.autoport = g.port === undefined && g.tlsPort === undefined;
  const host = get('spicehost');
  if (host && !isSchemaListen(host)) ctx.warn('INVALID_VALUE', `spicehost ${quote(host)} is neither an IP address nor a host name libvirt accepts; SPICE listens on libvirt's default instead`, at('spicehost'));
  else if (host) g.listen = host;
  const ticketing = get('spicedisable_ticketing');
  const passwd = get('spicepasswd');
  if (passwd && !(ticketing && /^(1|true|yes|on)$/i.test(ticketing.trim()))) g.passwd = passwd;
  return g;
}
