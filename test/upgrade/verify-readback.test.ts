/**
 * Verification against libxl's read-back normalisation (as measured on the Xen
 * rig: see test/xen/upgrade-libxl.xen.test.ts for the same on real libxl):
 * what libvirt adds is no difference, what it drops or changes is.
 */
import { describe, expect, it } from 'vitest';
import { modelDifferences } from '../../src/upgrade/compare.js';
import { readVerifiable } from '../../src/upgrade/read-back.js';

const ours = `<domain type="xen">
  <name>web</name><uuid>5e5e0000-0000-4000-8000-000000000001</uuid>
  <memory unit="KiB">131072</memory><currentMemory unit="KiB">131072</currentMemory><vcpu>1</vcpu>
  <os><type arch="x86_64" machine="xenfv">hvm</type><boot dev="cdrom"/><boot dev="hd"/></os>
  <features><acpi/><apic/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>restart</on_crash>
  <devices>
    <disk type="block" device="disk"><driver name="phy" type="raw"/><source dev="/dev/vg0/web"/><target dev="hda" bus="ide"/></disk>
    <disk type="file" device="cdrom"><driver name="qemu" type="raw"/><source file="/srv/iso/x.iso"/><target dev="hdc" bus="ide"/><readonly/></disk>
    <interface type="bridge"><mac address="00:16:3e:7a:00:03"/><source bridge="xenbr0"/><model type="e1000"/></interface>
    <graphics type="vnc" port="5923" autoport="no" listen="0.0.0.0" passwd="w1n pass"><listen type="address" address="0.0.0.0"/></graphics>
    <graphics type="spice" port="5930" autoport="yes"/>
    <video><model type="vga"/></video>
  </devices>
</domain>`;

/** What libxl's dumpxml --inactive --security-info returns for it: additions only, in its own order and quoting. */
const libxl = `<domain type='xen'>
  <name>web</name><uuid>5e5e0000-0000-4000-8000-000000000001</uuid>
  <memory unit='KiB'>131072</memory><currentMemory unit='KiB'>131072</currentMemory><vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='xenfv'>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os>
  <features><acpi/><apic/><pae/></features>
  <on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>restart</on_crash>
  <devices>
    <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='/srv/iso/x.iso'/><target dev='hdc' bus='ide'/><readonly/><address type='drive' controller='0' bus='1' target='0' unit='0'/></disk>
    <disk type='block' device='disk'><driver name='phy' type='raw'/><source dev='/dev/vg0/web'/><target dev='hda' bus='ide'/><address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>
    <controller type='xenbus' index='0'/><controller type='ide' index='0'/>
    <interface type='bridge'><mac address='00:16:3e:7a:00:03'/><source bridge='xenbr0'/><model type='e1000'/></interface>
    <input type='mouse' bus='ps2'/><input type='keyboard' bus='ps2'/>
    <graphics type='vnc' port='5923' autoport='no' listen='0.0.0.0' passwd='w1n pass'><listen type='address' address='0.0.0.0'/></graphics>
    <graphics type='spice' port='-1' autoport='yes'/>
    <video><model type='vga' vram='16384' heads='1' primary='yes'/></video>
    <memballoon model='xen'/>
  </devices>
</domain>`;

const diff = (stored: string) => modelDifferences(readVerifiable(ours), readVerifiable(stored));

describe('verification after a define on libxl', () => {
  it("ignores what libxl adds: xenbus/IDE controllers, inputs, memballoon, <pae/>, drive addresses, video vram, autoport's -1", () => {
    expect(diff(libxl)).toEqual([]);
  });

  it('accepts the MAC libvirt generates for a NIC written without one, and still sees its model change', () => {
    const macless = ours.replace('<mac address="00:16:3e:7a:00:03"/>', '');
    const stored = libxl.replace("00:16:3e:7a:00:03", '00:16:3e:12:34:56');
    expect(modelDifferences(readVerifiable(macless), readVerifiable(stored))).toEqual([]);
    const changed = stored.replace("<model type='e1000'/>", "<model type='netfront'/>");
    expect(modelDifferences(readVerifiable(macless), readVerifiable(changed))).toEqual(['nic 0 model: expected "e1000", libvirt has "netfront"']);
  });

  it.each([
    ['a dropped disk', libxl.replace(/<disk type='file'.*?<\/disk>/, ''), /^disk count: expected 2, libvirt has 1$/],
    ['a changed fixed VNC port', libxl.replace("port='5923' autoport='no'", "port='-1' autoport='yes'"), /^graphics vnc autoport: expected "no", libvirt has "yes"$/],
    ['a NIC model lost', libxl.replace("<model type='e1000'/>", ''), /^nic 0 model: expected "e1000", libvirt has none$/],
    ['a changed boot order', libxl.replace("<boot dev='cdrom'/><boot dev='hd'/>", "<boot dev='hd'/>"), /^boot order: expected "cdrom,hd", libvirt has "hd"$/],
    ['a disk driver changed', libxl.replace("<driver name='phy' type='raw'/>", "<driver name='qemu' type='qcow2'/>"), /^disk hda driver: expected "phy", libvirt has "qemu"$/],
    ['a lifecycle action changed', libxl.replace('<on_crash>restart', '<on_crash>destroy'), /^on_crash: expected "restart", libvirt has "destroy"$/],
  ])('catches %s', (_what, stored, message) => {
    const d = diff(stored);
    expect(d.some((x) => message.test(x)), d.join('\n')).toBe(true);
  });

  it('catches a lost or changed VNC password without printing it', () => {
    expect(diff(libxl.replace(" passwd='w1n pass'", ''))).toEqual(['graphics vnc passwd: missing in what libvirt has']);
    const changed = diff(libxl.replace("passwd='w1n pass'", "passwd='other'"));
    expect(changed).toEqual(['graphics vnc passwd: different in what libvirt has']);
    expect(changed.join()).not.toMatch(/w1n|other/);
  });
});
