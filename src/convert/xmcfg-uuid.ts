/**
 * A uuid for a config that has none (most hand-written /etc/xen/*.cfg): xm
 * made up a random one at every `xm create`, which would give libvirt a new
 * domain on every re-run. Ours is a name-based (version 5 style) uuid of the
 * file's absolute path and the domain name, so converting, inventorying or
 * upgrading again defines the same domain — and a copy of the file elsewhere,
 * or a renamed domain, is a different one.
 */
import { createHash } from 'node:crypto';

export function derivedUuid(absolutePath: string | undefined, name: string): string {
  const h = createHash('sha1').update(`xend2libxl:xm-config\0${absolutePath ?? ''}\0${name}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * A MAC for a vif that names none (`vif = [ 'bridge=xenbr0' ]`, common in
 * hand-written configs): xm drew a random one at every start; ours is derived
 * from the domain's uuid and the NIC's index, in Xen's 00:16:3e range with the
 * first random byte below 0x80 as xend's randomMAC did, so every re-run (and
 * the upgrade's verification of what libvirt stored) sees the same address.
 */
export function derivedMac(uuid: string, index: number): string {
  const h = createHash('sha1').update(`xend2libxl:xm-mac\0${uuid}\0${index}`).digest();
  const bytes = [0x00, 0x16, 0x3e, h[0] & 0x7f, h[1], h[2]];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}
