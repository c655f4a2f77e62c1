/**
 * Writes a xend domain store (`<uuid>/config.sxp`, maybe `checkpoint.chk`) the
 * way xend 4.x laid it out, for domains with our own `upg-` names and uuids so
 * suites sharing the rig's daemons never collide. Each domain has its own root
 * disk: domains sharing a writable disk are never both started by the upgrade.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface TreeDomain {
  name: string;
  uuid: string;
  kind: 'pv-pygrub' | 'pv-kernel' | 'hvm';
  autostart?: boolean;
  vncPassword?: string;
  memoryMiB?: number;
  /** Cut the file in the middle, as a crash of xend while rewriting it did. */
  truncated?: boolean;
  checkpoint?: boolean;
}

/** xend's writer: bare when atom-safe, else a Python repr()-style quoted string. */
function q(s: string): string {
  if (/^[A-Za-z0-9.\-_:/~]+$/.test(s)) return s;
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function configSxp(d: TreeDomain, n: number): string {
  const mem = d.memoryMiB ?? 256;
  const mac = `00:16:3e:7a:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
  const image =
    d.kind === 'hvm'
      ? `(image (hvm (kernel '') (loader /usr/lib/xen/boot/hvmloader) (boot c) (device_model /usr/lib/xen/bin/qemu-dm) (acpi 1) (apic 1) (pae 1)))`
      : d.kind === 'pv-kernel'
        ? `(image (linux (kernel /boot/vmlinuz-upg) (ramdisk /boot/initrd-upg) (args 'root=/dev/xvda1 ro')))`
        : `(image (linux (kernel '') (args 'console=hvc0')))`;
  const lines = [
    '(domain',
    `    (uuid ${d.uuid})`,
    `    (name ${q(d.name)})`,
    `    (vcpus ${d.kind === 'hvm' ? 2 : 1})`,
    `    (maxmem ${mem})`,
    `    (memory ${mem})`,
    `    (on_poweroff destroy)`,
    `    (on_reboot restart)`,
    `    (on_crash restart)`,
    ...(d.kind === 'pv-pygrub' ? ['    (bootloader /usr/bin/pygrub)'] : []),
    `    (on_xend_start ${d.autostart ? 'start' : 'ignore'})`,
    `    (on_xend_stop shutdown)`,
    `    ${image}`,
    `    (status 0)`,
    `    (device (vif (bridge xenbr0) (mac ${mac}) (script vif-bridge)))`,
    `    (device (vbd (dev ${d.kind === 'hvm' ? 'hda:disk' : 'xvda'}) (uname phy:/dev/vg0/${d.uuid.slice(-12)}-root) (mode w)))`,
    ...(d.vncPassword !== undefined ? [`    (device (vfb (vnc 1) (vncunused 1) (vnclisten 127.0.0.1) (vncpasswd ${q(d.vncPassword)})))`] : []),
    ')',
  ];
  const text = `${lines.join('\n')}\n`;
  return d.truncated ? text.slice(0, Math.floor(text.length / 2)) : text;
}

export function writeTree(root: string, domains: TreeDomain[]): void {
  domains.forEach((d, i) => {
    const dir = path.join(root, d.uuid);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(dir, 'config.sxp'), configSxp(d, i + 1), { mode: 0o600 });
    if (d.checkpoint) writeFileSync(path.join(dir, 'checkpoint.chk'), Buffer.concat([Buffer.from('LinuxGuestRecord'), Buffer.alloc(4096, 7)]), { mode: 0o600 });
  });
}

/** A uuid unique to this suite and index (suite tag: 4 hex digits). */
export function suiteUuid(tag: string, n: number): string {
  return `5e5e${tag}-0000-4000-8000-${String(n).padStart(12, '0')}`;
}

/**
 * Fingerprint of a directory tree — names, modes, sizes, mtimes and contents — so
 * a test can prove the xend root was not touched at all.
 */
export function treeHash(p: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const f = path.join(d, n);
      const st = lstatSync(f);
      h.update(`${f}:${st.mode}:${st.size}:${st.mtimeMs}\n`);
      if (st.isDirectory()) walk(f);
      else h.update(readFileSync(f));
    }
  };
  walk(p);
  return h.digest('hex');
}
