// A realistic xend 4.x managed-domain config.sxp (HVM guest with the usual
// XenAPI + legacy keys and devices), in xend's on-disk layout. `i` varies the
// identity and device count so the benchmark does not parse one string only.
import { parseSxp, writeSxp } from '../dist/sxp/index.js';

export function sampleDomainSxp(i) {
  const hex = (n, w) => n.toString(16).padStart(w, '0');
  const uuid = `${hex(0x5f3a0000 + i, 8)}-1c2d-4e5f-8a9b-${hex(0xc0ffee000000 + i * 7919, 12)}`;
  const disks = [];
  for (let d = 0; d < 2 + (i % 3); d++) {
    disks.push(`(device (vbd (uuid ${uuid.slice(0, 24)}${hex(d, 12)}) (bootable ${d === 0 ? 1 : 0}) (driver paravirtualised) (dev hd${'abcd'[d]}:disk) (uname phy:/dev/vg0/guest${i}-disk${d}) (mode w) (backend 0)))`);
  }
  const vifs = [];
  for (let v = 0; v < 1 + (i % 2); v++) {
    vifs.push(`(device (vif (bridge xenbr${v}) (mac 00:16:3e:${hex(i & 0xff, 2)}:${hex(v, 2)}:0${v}) (script /etc/xen/scripts/vif-bridge) (uuid ${uuid.slice(0, 24)}${hex(0x100 + v, 12)}) (backend 0) (model e1000) (type ioemu)))`);
  }
  const text = `(domain (domid ${i + 1}) (on_crash restart) (uuid ${uuid}) (bootloader_args '') (vcpus ${1 + (i % 4)})
 (name guest-${i}) (cpus (() () () ())) (on_poweroff destroy) (description 'Guest ${i}: web tier, "legacy" build — café')
 (on_xend_stop ignore) (PV_args '') (on_reboot restart) (start_time 1319736949.93) (cpu_time 1.518356001)
 (online_vcpus ${1 + (i % 4)}) (image (hvm (kernel '') (vnc 1) (vncunused 1) (vnclisten 0.0.0.0) (keymap en-us)
 (device_model /usr/lib/xen/bin/qemu-dm) (boot dc) (serial pty) (usb 1) (usbdevice tablet) (acpi 1) (apic 1) (pae 1)
 (localtime 0) (timer_mode 1) (hpet 0) (viridian 0) (notes (SUSPEND_CANCEL 1))))
 (status 2) (state -b----) (store_mfn 1044476) (memory ${512 << (i % 3)}) (maxmem ${512 << (i % 3)}) (shadow_memory 8)
 (platform ((acpi 1) (apic 1) (boot dc) (device_model /usr/lib/xen/bin/qemu-dm) (keymap en-us) (localtime 0) (pae 1) (serial pty) (usb 1) (usbdevice tablet) (vnc 1) (vncunused 1)))
 (vcpus_params ((cap 0) (weight 256))) (HVM_boot_params ((order dc))) (other_config ()) (pool_name Pool-0)
 ${disks.join(' ')} ${vifs.join(' ')}
 (device (vfb (vncunused 1) (uuid ${uuid.slice(0, 24)}000000000fb0) (vnclisten 0.0.0.0) (vnc 1) (type vnc) (keymap en-us) (location 0.0.0.0:5901)))
 (device (console (protocol vt100) (location 2) (uuid ${uuid.slice(0, 24)}0000000000c0))))`;
  return writeSxp(parseSxp(text));
}
