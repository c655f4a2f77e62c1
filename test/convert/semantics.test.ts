/** Behaviour of the converter on small configs: precedence, defaults, autostart, boot, warnings. */
import { describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';

const base = (body: string) => `(domain (name t1) (uuid 596a5d2171f48fb2e068e2386a5c413e) (memory 256)\n${body})`;
const convert = (body: string, defaults = {}) => {
  const r = convertSxpText(base(body), { file: 'c.sxp', xendDefaults: defaults });
  if (!r.ok || !r.domain) throw new Error(r.error?.message);
  return { m: r.domain, xml: r.xml ?? '', codes: r.warnings.map((w) => w.code), warnings: r.warnings };
};
const K = '(image (linux (kernel /boot/vmlinuz)))';

describe('converter semantics', () => {
  it('canonicalises the uuid and defaults maxmem to memory', () => {
    const { m } = convert(K);
    expect(m.uuid).toBe('596a5d21-71f4-8fb2-e068-e2386a5c413e');
    expect(m.maxMemoryKiB).toBe(262144);
  });

  it('legacy keys win over XenAPI ones; XenAPI bytes are the fallback', () => {
    expect(convert(`${K} (maxmem 512) (memory_static_max 2147483648)`).m.maxMemoryKiB).toBe(524288);
    expect(convert(`${K} (memory_static_max 2147483648)`).m.maxMemoryKiB).toBe(2097152);
  });

  it('autostart: on_xend_start start, else auto_power_on True; legacy wins', () => {
    expect(convert(`${K} (on_xend_start start)`).m.autostart).toBe(true);
    expect(convert(`${K} (auto_power_on True)`).m.autostart).toBe(true);
    expect(convert(`${K} (on_xend_start ignore) (auto_power_on True)`).m.autostart).toBe(false);
    expect(convert(K).m.autostart).toBe(false);
  });

  it('maps the deprecated restart key and XenAPI crash spellings', () => {
    expect(convert(`${K} (restart always)`).m).toMatchObject({ onPoweroff: 'restart', onReboot: 'restart', onCrash: 'restart' });
    expect(convert(`${K} (restart onreboot)`).m).toMatchObject({ onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' });
    expect(convert(`${K} (actions_after_crash coredump_and_restart)`).m.onCrash).toBe('coredump-restart');
  });

  it('prepends root= and ip= like xend unless args already has them', () => {
    expect(convert("(image (linux (kernel /k) (root /dev/xvda1) (args quiet)))").m.os.cmdline).toBe('root=/dev/xvda1 quiet');
    expect(convert("(image (linux (kernel /k) (root /dev/xvda1) (args 'root=/dev/xvdb1')))").m.os.cmdline).toBe('root=/dev/xvdb1');
  });

  it('keeps bootloader args and the guest-side kernel path for pygrub', () => {
    const { m, xml } = convert("(bootloader /usr/bin/pygrub) (bootloader_args '--kernel=/boot/vmlinuz-3') (image (linux (kernel /boot/vmlinuz) (args ro)))");
    expect(m.os).toMatchObject({ bootloader: 'pygrub', bootloaderArgs: '--kernel=/boot/vmlinuz-3', kernel: '/boot/vmlinuz', cmdline: 'ro' });
    expect(xml).toContain('<bootloader>pygrub</bootloader>');
  });

  it('drops the temporary kernel pygrub extracted (3.0 and 3.1+ locations) but keeps real guest paths', () => {
    for (const k of ['/var/lib/xen/vmlinuz.2Dn2YT', '/var/run/xend/boot/boot_kernel.Xa1b2c']) {
      const { m, codes } = convert(`(bootloader pygrub) (image (linux (kernel ${k}) (ramdisk ${k.replace(/kernel|vmlinuz/, 'ramdisk')})))`);
      expect(m.os.kernel).toBeUndefined();
      expect(codes).toContain('PYGRUB_STALE_KERNEL');
    }
    expect(convert('(bootloader pygrub) (image (linux (kernel /boot/vmlinuz-3.2)))').m.os.kernel).toBe('/boot/vmlinuz-3.2');
  });

  it('HVM: hvmloader in kernel is firmware, boot letters become boot devices', () => {
    const { m } = convert('(image (hvm (kernel /usr/lib/xen/boot/hvmloader) (boot ndc)))');
    expect(m.os).toMatchObject({ loader: '/usr/lib/xen/boot/hvmloader', bootOrder: ['network', 'cdrom', 'hd'] });
    expect(m.os.kernel).toBeUndefined();
  });

  it('HVM: every guest is warned about the qemu-traditional → qemu-xen switch', () => {
    expect(convert('(image (hvm (boot c)))').codes).toContain('QEMU_TRADITIONAL_REPLACED');
    expect(convert(K).codes).not.toContain('QEMU_TRADITIONAL_REPLACED');
  });

  it('drops qemu-dm but keeps an upstream emulator path', () => {
    expect(convert('(image (hvm (device_model /usr/lib/xen/bin/qemu-dm)))').m.emulator).toBeUndefined();
    expect(convert('(image (hvm (device_model /usr/lib/xen/bin/qemu-system-i386)))').m.emulator).toBe('/usr/lib/xen/bin/qemu-system-i386');
  });

  it('vcpu_avail gives current vCPUs; xm list -l output without it starts all', () => {
    expect(convert(`${K} (vcpus 4) (vcpu_avail 3)`).xml).toContain('<vcpu placement="static" current="2">4</vcpu>');
    expect(convert(`${K} (vcpus 4)`).m.currentVcpus).toBeUndefined();
  });

  it('per-vCPU pins become <cputune><vcpupin>', () => {
    expect(convert(`${K} (vcpus 2) (cpus ((0) (1)))`).xml).toContain('<vcpupin vcpu="1" cpuset="1"/>');
  });

  it('keeps the VNC password, falling back to xend-config defaults only when the key is absent', () => {
    expect(convert(`${K} (device (vfb (vnc 1) (vncpasswd pw1)))`).xml).toContain('passwd="pw1"');
    expect(convert(`${K} (device (vfb (vnc 1)))`, { vncPassword: 'hostpw', vncListen: '10.1.1.1', keymap: 'fr' }).xml).toMatch(/listen="10.1.1.1" keymap="fr" passwd="hostpw"/);
    expect(convert(`${K} (device (vfb (vnc 1) (vncpasswd '')))`, { vncPassword: 'hostpw' }).xml).not.toContain('passwd=');
  });

  it('vncdisplay gives the port; vncunused 0 pins it', () => {
    expect(convert(`${K} (device (vfb (vnc 1) (vncdisplay 3) (vncunused 0)))`).xml).toContain('port="5903" autoport="no"');
  });

  it('warns with the exact source position', () => {
    const { warnings } = convert(`${K}\n(device (vbd (uname tap:vmdk:/x.vmdk) (dev xvdb) (mode w)))`);
    expect(warnings).toEqual([
      expect.objectContaining({ code: 'DISK_FORMAT_UNSUPPORTED', file: 'c.sxp', line: 3, column: 21, severity: 'warning' }),
    ]);
  });

  it('ignores runtime-only keys silently but reports unknown ones', () => {
    const { codes } = convert(`${K} (domid 3) (state -b----) (store_mfn 1) (start_time 1.5) (frobnicate 1)`);
    expect(codes).toEqual(['UNKNOWN_KEY']);
  });

  it('raises maxmem to memory like xend did', () => {
    expect(convert(`${K} (maxmem 128)`).m).toMatchObject({ memoryKiB: 262144, maxMemoryKiB: 262144 });
  });

  it('HVM from XenAPI keys only: platform flags and HVM_boot_params order', () => {
    const { m } = convert("(HVM_boot_policy 'BIOS order') (HVM_boot_params ((order dn))) (platform ((acpi 1) (viridian 1) (loader /usr/lib/xen/boot/hvmloader)))");
    expect(m.osType).toBe('hvm');
    expect(m.os).toMatchObject({ loader: '/usr/lib/xen/boot/hvmloader', bootOrder: ['cdrom', 'network'] });
    expect(m.features).toMatchObject({ acpi: true, viridian: true, apic: false });
  });

  it('image values win over the platform dict', () => {
    expect(convert('(platform ((localtime 0))) (image (hvm (localtime 1)))').m.clock.basis).toBe('localtime');
  });

  it('PV disks: the bootable one first, the rest by guest name; file order is irrelevant', () => {
    const { m } = convert(`${K} (device (tap (uname tap:aio:/b) (dev xvdc) (mode w))) (device (vbd (uname phy:/a) (dev xvdb) (mode w) (bootable 1))) (device (vbd (uname phy:/c) (dev xvda) (mode w)))`);
    expect(m.disks.map((d) => d.target)).toEqual(['xvdb', 'xvda', 'xvdc']);
  });

  it('accepts (vm …) as head, like xm create output', () => {
    const r = convertSxpText(`(vm (name v) (memory 64) ${K})`);
    expect(r.ok).toBe(true);
  });
});
