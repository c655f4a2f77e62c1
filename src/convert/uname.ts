/**
 * xend `uname` strings → what the modern libxl driver can run.
 *
 * blktap1/2 are gone (Xen 4.13 removed blktap2), so every `tap:`/`tap2:` image
 * becomes a qdisk (`<driver name='qemu'>`) with the format the tap driver
 * implied; block devices stay on blkback (`phy`). Mirrors the prefix table of
 * xl's disk parser: formats libxl cannot open are reported, never guessed.
 */
import type { DiskFormat } from './model.js';

export type UnameResult =
  | { ok: true; sourceType: 'block' | 'file'; driver: 'phy' | 'qemu'; format: DiskFormat; source: string; script?: string }
  | { ok: false; reason: 'unsupported-format' | 'block-script' | 'empty'; detail: string; source?: string };

/** blktap drivers and the image format each one reads. */
const TAP_FORMATS: Record<string, DiskFormat | undefined> = {
  aio: 'raw',
  sync: 'raw',
  ioemu: 'raw',
  raw: 'raw',
  qcow: 'qcow',
  qcow2: 'qcow2',
  vhd: 'vhd',
  qed: 'qed',
  // Exist in blktap but libxl has no backend for them.
  vmdk: undefined,
  ram: undefined,
  remus: undefined,
};

/** Block-script prefixes with a stable device path we can use instead of the script. */
const BLOCK_SCRIPT_DEVICES: Record<string, (arg: string) => string> = {
  drbd: (res) => `/dev/drbd/by-res/${res}`,
};

export function parseUname(uname: string): UnameResult {
  const colon = uname.indexOf(':');
  if (colon < 0) {
    // xend required a prefix; a bare path is what people meant by file:.
    return uname.startsWith('/dev/')
      ? { ok: true, sourceType: 'block', driver: 'phy', format: 'raw', source: uname }
      : { ok: true, sourceType: 'file', driver: 'qemu', format: 'raw', source: uname };
  }
  const prefix = uname.slice(0, colon);
  const rest = uname.slice(colon + 1);
  if (rest === '') return { ok: false, reason: 'empty', detail: `uname '${uname}' names no device or file` };
  switch (prefix) {
    case 'phy':
      // xend accepted `phy:sda7` and `phy:vg/lv` meaning /dev/…
      return { ok: true, sourceType: 'block', driver: 'phy', format: 'raw', source: rest.startsWith('/') ? rest : `/dev/${rest}` };
    case 'file':
      return { ok: true, sourceType: 'file', driver: 'qemu', format: 'raw', source: rest };
    case 'tap':
    case 'tap2':
    case 'tapdisk':
      return parseTap(rest, uname);
    default: {
      const dev = BLOCK_SCRIPT_DEVICES[prefix];
      if (dev) return { ok: true, sourceType: 'block', driver: 'phy', format: 'raw', source: dev(rest), script: `block-${prefix}` };
      return { ok: false, reason: 'block-script', detail: `block-${prefix}`, source: rest };
    }
  }
}

function parseTap(rest: string, uname: string): UnameResult {
  let parts = rest.split(':');
  if (parts[0] === 'tapdisk') parts = parts.slice(1);
  // `tap:/path` (no driver) was accepted by xend as aio.
  if (parts.length === 1 || parts[0].startsWith('/')) return { ok: true, sourceType: 'file', driver: 'qemu', format: 'raw', source: parts.join(':') };
  const drv = parts[0];
  const path = parts.slice(1).join(':');
  if (!(drv in TAP_FORMATS)) return { ok: false, reason: 'unsupported-format', detail: drv, source: path };
  const format = TAP_FORMATS[drv];
  if (!format) return { ok: false, reason: 'unsupported-format', detail: drv, source: path };
  if (path === '') return { ok: false, reason: 'empty', detail: `uname '${uname}' names no file` };
  // Block devices behind tap:aio: still work best on blkback.
  if (format === 'raw' && path.startsWith('/dev/')) return { ok: true, sourceType: 'block', driver: 'phy', format, source: path };
  return { ok: true, sourceType: 'file', driver: 'qemu', format, source: path };
}
