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

function vncFrom(ctx: ReadContext, src: SxpList, image: SxpList | undefined): GraphicsModel {
  const g: GraphicsModel = { type: 'vnc', pos: src.pos };
  const display = atomVal(src, 'vncdisplay');
  const unused = strVal(src, 'vncunused');
  if (display) {
    const n = parseXendNumber(display.value);
    if (n === undefined || n < 0) ctx.warn('INVALID_VALUE', `vncdisplay '${display.value}' is not a display number; a free port is picked instead`, display);
    else g.port = n < 5900 ? 5900 + n : n;
  }
  // xend's default is vncunused=1: the display number is only a first try.
  g.autoport = g.port === undefined || unused === undefined || !unused.startsWith('0');
  const listen = strVal(src, 'vnclisten') ?? ctx.defaults.vncListen;
  if (listen) g.listen = listen;
  // `(vncpasswd '')` explicitly means "no password"; absent means xend-config's default.
  const passwd = firstChild(src, 'vncpasswd') ? strVal(src, 'vncpasswd') : ctx.defaults.vncPassword;
  if (passwd) g.passwd = passwd;
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
