/**
 * One `disk = [ … ]` entry of an xm or xl config → the `(vbd …)` that xm
 * create would have sent to xend. Three spellings exist:
 *
 *   xm / legacy xl   `phy:/dev/vg/lv,xvda,w`   `file:/x.iso,hdc:cdrom,r`   `,hdc:cdrom,r`
 *   xl positional    `/dev/vg/lv,raw,xvda,rw[,key=value…]`  (target, format, vdev, access)
 *   xl key=value     `format=qcow2,vdev=xvda,access=rw,backendtype=qdisk,target=/x.qcow2`
 *
 * xl's key=value form needs two things a uname cannot say (a qdisk backend on
 * a block device, a format with phy): they travel in `XlDiskExtras`.
 */
import type { SourcePosition } from '../errors.js';
import type { SxpList } from '../sxp/model.js';
import { list, pair } from './xmcfg-sxp.js';

export interface XlDiskExtras {
  vdev: string;
  backendtype?: 'phy' | 'qdisk' | 'tap';
}

export interface ParsedDiskSpec {
  vbd: SxpList;
  extras?: XlDiskExtras;
}

const XL_KEYS = new Set(['target', 'format', 'vdev', 'access', 'devtype', 'backendtype', 'backend', 'script', 'direct-io-safe', 'discard', 'no-discard', 'trusted', 'untrusted', 'cdrom', 'specification']);
const LEGACY_PREFIX = /^(phy|file|tap|tap2|tapdisk|aio|qcow2?|vhd|raw|qed|iscsi|nbd|enbd|drbd|[a-z0-9]+):/;

/** Modes xm wrote (`w`, `r`, `w!`) and xl's spellings of them (`rw`, `ro`). */
function mode(access: string | undefined): string {
  const a = (access ?? 'w').trim();
  if (a === 'rw' || a === '') return 'w';
  if (a === 'ro') return 'r';
  return a;
}

export function parseDiskSpec(spec: string, pos: SourcePosition): ParsedDiskSpec {
  const kv = new Map<string, string>();
  const positional: string[] = [];
  const parts = spec.split(',');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const m = /^\s*([a-z-]+)=(.*)$/s.exec(p);
    if (m && XL_KEYS.has(m[1])) {
      // `target=` takes the rest of the spec, commas and all (xl's rule).
      if (m[1] === 'target') {
        kv.set('target', [m[2], ...parts.slice(i + 1)].join(','));
        break;
      }
      kv.set(m[1], m[2].trim());
    } else if (p.trim() === 'cdrom') kv.set('devtype', 'cdrom');
    else positional.push(p.trim());
  }
  // Trailing empty fields (`path,,hdb,,`) are allowed by xl.
  while (positional.length > 4 && positional[positional.length - 1] === '') positional.pop();
  const isXl = kv.size > 0 || positional.length === 4;
  if (!isXl) {
    // xm: uname, dev, mode (a fourth field named the backend domain; nothing to carry).
    const [uname = '', dev = '', m] = positional;
    const items: SxpList[] = [];
    if (uname !== '') items.push(pair('uname', uname, pos));
    items.push(pair('dev', dev, pos), pair('mode', mode(m), pos));
    return { vbd: list('vbd', items, pos) };
  }
  let [target = '', format = '', vdev = '', access = ''] = positional;
  // Legacy three-field form mixed with key=value options: target, vdev, access.
  if (positional.length === 3 || (positional.length === 2 && !kv.has('vdev'))) [target, vdev, access, format] = [positional[0], positional[1], positional[2] ?? '', ''];
  target = kv.get('target') ?? target;
  format = kv.get('format') ?? format;
  vdev = kv.get('vdev') ?? vdev;
  access = kv.get('access') ?? access;
  const cdrom = kv.get('devtype') === 'cdrom' || vdev.endsWith(':cdrom');
  const dev = vdev.replace(/:cdrom$/, '') + (cdrom ? ':cdrom' : '');
  const backend = kv.get('backendtype');
  const script = kv.get('script');
  const items: SxpList[] = [];
  const uname = xlUname(target, format, backend, script);
  if (uname) items.push(pair('uname', uname, pos));
  items.push(pair('dev', dev, pos), pair('mode', mode(access), pos));
  const extras: XlDiskExtras = { vdev: dev.replace(/:cdrom$/, '') };
  if (backend === 'phy' || backend === 'qdisk' || backend === 'tap') extras.backendtype = backend;
  return { vbd: list('vbd', items, pos), extras };
}

/** The uname xend would have needed for an xl target: the same backend and format choice. */
function xlUname(target: string, format: string, backend: string | undefined, script: string | undefined): string | undefined {
  if (target === '') return undefined;
  if (LEGACY_PREFIX.test(target) && !target.startsWith('rbd:')) return target;
  if (script) {
    const base = script.split('/').pop()!.replace(/^block-/, '');
    return `${base}:${target}`;
  }
  const fmt = format === '' ? 'raw' : format;
  // A /dev target is a block device whatever the backend; backendtype=qdisk only changes the driver (XlDiskExtras).
  if (fmt === 'raw' && (backend === 'phy' || target.startsWith('/dev/'))) return `phy:${target}`;
  if (fmt === 'raw') return `file:${target}`;
  return `tap:${fmt}:${target}`;
}
