/**
 * Guest disk names: xend's `dev` (`ioemu:hda:disk`, `xvdb`, `hdc:cdrom`, `51712`)
 * → libvirt target + bus, and the order in which the guest enumerates them.
 */
export interface DiskTarget {
  name: string;
  cdrom: boolean;
  bus: 'xen' | 'ide' | 'scsi';
}

/** PV guests see every disk as a Xen vbd whatever its name (`sda1` partitions included); only HVM names pick an emulated bus. */
export function parseDiskDev(dev: string, pv = false): DiskTarget {
  let d = dev.trim();
  if (d.startsWith('ioemu:')) d = d.slice('ioemu:'.length);
  let cdrom = false;
  const colon = d.indexOf(':');
  if (colon >= 0) {
    cdrom = d.slice(colon + 1) === 'cdrom';
    d = d.slice(0, colon);
  }
  if (/^(0x[0-9a-f]+|\d+)$/i.test(d)) d = deviceNumberToName(Number.parseInt(d, d.toLowerCase().startsWith('0x') ? 16 : 10)) ?? d;
  return { name: d, cdrom, bus: pv ? 'xen' : busFor(d) };
}

function busFor(name: string): DiskTarget['bus'] {
  if (name.startsWith('xvd')) return 'xen';
  if (name.startsWith('sd')) return 'scsi';
  return 'ide';
}

function letters(n: number): string {
  let s = '';
  let i = n + 1;
  while (i > 0) {
    const r = (i - 1) % 26;
    s = String.fromCharCode(97 + r) + s;
    i = Math.floor((i - 1) / 26);
  }
  return s;
}

/** Linux device numbers as xend stored them for `(dev 51712)`. */
export function deviceNumberToName(num: number): string | undefined {
  const major = num >> 8;
  const minor = num & 0xff;
  const part = (p: number) => (p === 0 ? '' : String(p));
  if (major === 202) return `xvd${letters(minor >> 4)}${part(minor & 15)}`;
  if (major === 8) return `sd${letters(minor >> 4)}${part(minor & 15)}`;
  if (major === 3) return `hd${letters(minor >> 6)}${part(minor & 63)}`;
  if (major === 22) return `hd${letters(2 + (minor >> 6))}${part(minor & 63)}`;
  return undefined;
}

/**
 * Names xend's blkif accepted (blkdev_name_to_number: hdX, sdX, xvdX, with a partition number) —
 * also what libxl parses and what libvirt's schema allows. Anything else (`xda1`, `vda`) xend refused
 * at `xm create`; written as-is it would fail libvirt's schema, so the converter refuses it.
 */
const VALID_TARGET = /^(hd[a-z]|sd[a-z]{1,2}|xvd[a-z]{1,3})(\d{1,3})?$/;

export function isValidDiskTarget(name: string): boolean {
  return VALID_TARGET.test(name);
}

/** Sort key: bus class order is irrelevant to the guest, the index within a name family is not. */
export function diskIndex(name: string): [string, number, number] {
  const m = /^(xvd|hd|sd|vd)([a-z]+)(\d*)$/.exec(name);
  if (!m) return [name, Number.MAX_SAFE_INTEGER, 0];
  let idx = 0;
  for (const ch of m[2]) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return [m[1], idx, m[3] ? Number(m[3]) : 0];
}

export function compareDiskNames(a: string, b: string): number {
  const [pa, ia, na] = diskIndex(a);
  const [pb, ib, nb] = diskIndex(b);
  if (pa !== pb) return pa < pb ? -1 : 1;
  return ia - ib || na - nb;
}
