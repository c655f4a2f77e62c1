/** The xend store the libxl upgrade suites write: tiny PV guests on the rig's kernel, a VNC PV and an HVM guest. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { modelDifferences } from '../../src/upgrade/compare.js';
import { readVerifiable } from '../../src/upgrade/read-back.js';
import type { XenRig } from '../xen-rig/xen-rig.js';

export interface StoreDomain {
  name: string;
  uuid: string;
  config: string;
  running: boolean;
  autostart: boolean;
  /** Backing file created in dom0 (PV guests that start). */
  disk?: string;
  vnc?: { port: number; passwd: string };
}

const uuidOf = (n: number) => `5e5e7a7a-0000-4000-8000-${String(n).padStart(12, '0')}`;
const mac = (n: number) => `00:16:3e:7a:01:${n.toString(16).padStart(2, '0')}`;

/** Writes `<root>/<uuid>/config.sxp` for each domain, as xend 4.x kept them. */
export function upgradeStore(root: string, rig: XenRig): StoreDomain[] {
  const pv = (n: number, name: string, o: { autostart: boolean; vfb?: string }) => `(domain
    (uuid ${uuidOf(n)})
    (name ${name})
    (vcpus 1)
    (maxmem 128)
    (memory 128)
    (on_poweroff destroy)
    (on_reboot restart)
    (on_crash restart)
    (on_xend_start ${o.autostart ? 'start' : 'ignore'})
    (image (linux (kernel ${rig.guestKernel}) (ramdisk ${rig.guestInitrd}) (args 'console=hvc0 quiet')))
    (device (vif (bridge xenbr0) (mac ${mac(n)}) (script vif-bridge)))
    (device (vbd (dev xvda) (uname file:/var/lib/xen-rig/${name}.img) (mode w)))${o.vfb ?? ''}
)
`;
  const hvm = (n: number, name: string) => `(domain
    (uuid ${uuidOf(n)})
    (name ${name})
    (vcpus 1)
    (maxmem 256)
    (memory 256)
    (on_poweroff destroy)
    (on_reboot restart)
    (on_crash restart)
    (on_xend_start ignore)
    (image (hvm (kernel '') (loader /usr/lib/xen/boot/hvmloader) (boot dc) (device_model /usr/lib/xen/bin/qemu-dm) (acpi 1) (apic 1) (pae 1) (vnc 1) (vncunused 0) (vncdisplay 23) (vnclisten 0.0.0.0) (vncpasswd 'w1n pass') (stdvga 1) (serial pty) (usb 1) (usbdevice tablet)))
    (device (vif (bridge xenbr0) (mac ${mac(n)}) (type ioemu) (model e1000)))
    (device (vbd (dev hda:disk) (uname phy:/dev/vg0/${name}) (mode w)))
    (device (vbd (dev hdc:cdrom) (uname file:/srv/iso/install.iso) (mode r)))
)
`;
  const domains: (Omit<StoreDomain, 'config'> & { text: string })[] = [
    { name: 'xr-upg-web', uuid: uuidOf(1), running: true, autostart: true, disk: '/var/lib/xen-rig/xr-upg-web.img', text: pv(1, 'xr-upg-web', { autostart: true }) },
    { name: 'xr-upg-db', uuid: uuidOf(2), running: true, autostart: false, disk: '/var/lib/xen-rig/xr-upg-db.img', text: pv(2, 'xr-upg-db', { autostart: false }) },
    {
      name: 'xr-upg-idle',
      uuid: uuidOf(3),
      running: false,
      autostart: true,
      vnc: { port: 5917, passwd: 's3cret' },
      text: pv(3, 'xr-upg-idle', { autostart: true, vfb: "\n    (device (vfb (vnc 1) (vncunused 0) (vncdisplay 17) (vnclisten 127.0.0.1) (vncpasswd 's3cret')))" }),
    },
    { name: 'xr-upg-win', uuid: uuidOf(4), running: false, autostart: false, vnc: { port: 5923, passwd: 'w1n pass' }, text: hvm(4, 'xr-upg-win') },
  ];
  return domains.map(({ text, ...d }) => {
    const dir = path.join(root, d.uuid);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const config = path.join(dir, 'config.sxp');
    writeFileSync(config, text, { mode: 0o600 });
    return { ...d, config };
  });
}

/** The upgrade's own verification of `stored` (libvirt's read-back) against `ours`. */
export function compareXmlForUpgrade(ours: string, stored: string): string[] {
  return modelDifferences(readVerifiable(ours), readVerifiable(stored));
}

export function expectNoSecret(output: string, secret: string): void {
  expect(output.includes(secret), 'a VNC password reached the output').toBe(false);
}
