// xm/xl settings → DomainModel: every disk/vif/pci spelling, the derived uuid, autostart, and the dialect-dependent meanings.
import { describe, expect, it } from 'vitest';
import { convertXmConfigText, type XmConvertOptions } from '../../src/convert/from-xmcfg.js';

const PV = 'name = "g"\nmemory = 128\nbootloader = "pygrub"\nuuid = "11111111-2222-4333-8444-555555555555"\n';
const HVM = 'name = "h"\nmemory = 128\nbuilder = "hvm"\nuuid = "11111111-2222-4333-8444-555555555556"\n';
function convert(text: string, opts: XmConvertOptions = {}) {
  const r = convertXmConfigText(text, { file: '/etc/xen/g.cfg', ...opts });
  expect(r.error?.message, text).toBeUndefined();
  return { ...r, domain: r.domain!, codes: r.warnings.map((w) => w.code) };
}

describe('disk specs', () => {
  const cases: [string, string, object][] = [
    ['xm phy', 'phy:/dev/vg/a,xvda,w', { target: 'xvda', sourceType: 'block', source: '/dev/vg/a', driver: 'phy', readonly: false }],
    ['xm phy short', 'phy:sdb1,xvda,r', { source: '/dev/sdb1', readonly: true }],
    ['tap:aio', 'tap:aio:/srv/a.img,xvda,w', { sourceType: 'file', driver: 'qemu', format: 'raw', source: '/srv/a.img' }],
    ['tap:qcow2', 'tap:qcow2:/srv/a.qcow2,xvda,w', { format: 'qcow2' }],
    ['file cdrom', 'file:/x.iso,hdc:cdrom,r', { device: 'cdrom', target: 'hdc', readonly: true, source: '/x.iso' }],
    ['empty cdrom', ',hdc:cdrom,r', { device: 'cdrom', target: 'hdc', readonly: true }],
    ['shared writable', 'phy:/dev/vg/q,xvda,w!', { shareable: true }],
    ['xl positional', '/srv/a.qcow2,qcow2,xvda,rw', { format: 'qcow2', source: '/srv/a.qcow2', readonly: false }],
    ['xl positional partial', '/dev/vg/a,,xvda,,backendtype=phy', { sourceType: 'block', driver: 'phy' }],
    ['xl key=value', 'format=raw,vdev=xvda,access=ro,target=/srv/a.img', { sourceType: 'file', readonly: true, source: '/srv/a.img' }],
    ['xl qdisk on a block device', 'vdev=xvda,backendtype=qdisk,target=/dev/vg/a', { sourceType: 'block', driver: 'qemu' }],
    ['xl target keeps commas', 'vdev=xvda,target=/srv/a,b.img', { source: '/srv/a,b.img' }],
    ['xl cdrom devtype', 'vdev=hdc,devtype=cdrom,target=/x.iso', { device: 'cdrom', readonly: true }],
    ['xl legacy with options', 'phy:/dev/vg/a,xvda,w,backendtype=phy', { sourceType: 'block', target: 'xvda' }],
  ];
  it.each(cases)('%s: %s', (_what, spec, want) => {
    const d = convert(`${PV}disk = [ '${spec}' ]\n`).domain.disks[0];
    expect(d).toMatchObject(want);
  });

  it('warns at the disk string for a blktap format libxl cannot open', () => {
    const r = convert(`${PV}disk = [ 'phy:/dev/a,xvda,w',\n  'tap:vmdk:/x.vmdk,xvdb,w' ]\n`);
    expect(r.warnings.find((w) => w.code === 'DISK_FORMAT_UNSUPPORTED')).toMatchObject({ line: 6, column: 3 });
  });
});

describe('vif specs', () => {
  it('reads every key, with or without spaces after commas', () => {
    const n = convert(`${HVM}vif = [ "mac=00:16:3E:00:00:01, bridge=br0,script=vif-bridge,model=e1000,vifname=v1,rate=1MB/s,ip=10.0.0.1 10.0.0.2" ]\n`).domain.nics[0];
    expect(n).toMatchObject({ mac: '00:16:3e:00:00:01', bridge: 'br0', type: 'bridge', model: 'e1000', vifname: 'v1', ips: ['10.0.0.1', '10.0.0.2'], rateKiBps: 977 });
  });

  it("reads xl's type=vif as a PV-only NIC and += as an appended list", () => {
    const nics = convert(`${HVM}vif = [ "mac=00:16:3e:00:00:01,bridge=br0" ]\nvif += [ "mac=00:16:3e:00:00:02,bridge=br1,type=vif" ]\n`, { dialect: 'xl' }).domain.nics;
    expect(nics.map((n) => [n.mac, n.model])).toEqual([
      ['00:16:3e:00:00:01', undefined],
      ['00:16:3e:00:00:02', 'netfront'],
    ]);
  });

  it('refuses a malformed MAC at its line', () => {
    const r = convertXmConfigText(`${PV}vif = [ "mac=00:16:3e" ]\n`, { file: 'g.cfg' });
    expect(r.error).toMatchObject({ code: 'INVALID_MAC', position: { line: 5 } });
  });
});

describe('pci specs', () => {
  it('reads BDFs with and without a domain, options, global xl options and the guest slot', () => {
    const r = convert(`${HVM}pci = [ "01:1a.1", "0001:02:00.0,permissive=1", "03:00.0@05" ]\n`);
    expect(r.domain.hostdevs.map((h) => [h.domain, h.bus, h.slot, h.func, h.permissive ?? false])).toEqual([
      [0, 1, 0x1a, 1, false],
      [1, 2, 0, 0, true],
      [0, 3, 0, 0, false],
    ]);
    expect(r.codes).toContain('PCI_GUEST_SLOT_DROPPED');
    expect(convert(`${HVM}pci = [ "01:00.0" ]\npci_permissive = 1\n`, { dialect: 'xl' }).domain.hostdevs[0].permissive).toBe(true);
  });

  it('refuses an address that is not a BDF', () => {
    expect(convertXmConfigText(`${HVM}pci = [ "01:00" ]\n`).error?.code).toBe('INVALID_PCI_ADDRESS');
  });
});

describe('identity', () => {
  const noUuid = 'name = "web"\nmemory = 128\nbootloader = "pygrub"\n';
  it('derives a stable uuid from path and name, says so, and changes it when either changes', () => {
    const a = convert(noUuid, { uuidPath: '/etc/xen/web.cfg' });
    const b = convert(noUuid, { uuidPath: '/etc/xen/web.cfg' });
    expect(a.domain.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.domain.uuid).toBe(a.domain.uuid);
    expect(a.derivedUuid).toEqual({ uuid: a.domain.uuid, from: "path /etc/xen/web.cfg and name 'web'" });
    expect(a.warnings.find((w) => w.code === 'UUID_DERIVED')?.message).toContain(`${a.domain.uuid}, derived from the path /etc/xen/web.cfg and name 'web'`);
    expect(convert(noUuid, { uuidPath: '/etc/xen/other.cfg' }).domain.uuid).not.toBe(a.domain.uuid);
    expect(convert(noUuid.replace('web', 'web2'), { uuidPath: '/etc/xen/web.cfg' }).domain.uuid).not.toBe(a.domain.uuid);
    expect(a.codes).not.toContain('UUID_MISSING');
  });

  it('keeps a uuid the file sets, and takes autostart from the caller (the /etc/xen/auto links)', () => {
    const r = convert(PV, { autostart: true });
    expect(r.domain.uuid).toBe('11111111-2222-4333-8444-555555555555');
    expect(r.derivedUuid).toBeUndefined();
    expect(r.domain.autostart).toBe(true);
    expect(convert(PV).domain.autostart).toBe(false);
  });
});

describe('boot, CPUs and dialect', () => {
  it("reads an HVM kernel as xm's firmware but as xl's direct kernel", () => {
    const text = `${HVM}kernel = "/boot/vmlinuz"\n`;
    expect(convert(text, { dialect: 'xl' }).domain.os.kernel).toBe('/boot/vmlinuz');
    expect(convert(text, { dialect: 'xm' }).domain.os.kernel).toBeUndefined();
    expect(convert(`${HVM}kernel = "/usr/lib/xen/boot/hvmloader"\n`).domain.os.kernel).toBeUndefined();
  });

  it('defaults acpi, apic and pae on for HVM as xm and libxl did, and honours 0', () => {
    expect(convert(HVM).domain.features).toMatchObject({ acpi: true, apic: true, pae: true });
    expect(convert(`${HVM}acpi = 0\n`).domain.features.acpi).toBe(false);
  });

  it('builds the PV command line from root and extra, and lets xl cmdline replace both', () => {
    expect(convert(`${PV}root = "/dev/xvda1"\nextra = "console=hvc0"\n`).domain.os.cmdline).toBe('root=/dev/xvda1 console=hvc0');
    expect(convert(`${PV}root = "/dev/xvda1"\ncmdline = "quiet"\n`).domain.os.cmdline).toBe('quiet');
  });

  it("reads xm's bootargs as the bootloader's arguments (libvirt 9's referee found it missing)", () => {
    expect(convert(`${PV}bootargs = "--entry=xvda1:/boot/vmlinuz"\n`).domain.os.bootloaderArgs).toBe('--entry=xvda1:/boot/vmlinuz');
  });

  it('reads maxvcpus/vcpus as maximum and online count, and cpus as affinity', () => {
    const d = convert(`${PV}maxvcpus = 4\nvcpus = 2\ncpus = "0-1"\n`).domain;
    expect([d.vcpus, d.currentVcpus, d.cpuset]).toEqual([4, 2, '0-1']);
  });

  it('warns about qemu-traditional for xm HVM configs only', () => {
    expect(convert(`${HVM}device_model = "/usr/lib/xen/bin/qemu-dm"\n`).codes).toContain('QEMU_TRADITIONAL_REPLACED');
    expect(convert(`${HVM}device_model_version = "qemu-xen"\n`).codes).not.toContain('QEMU_TRADITIONAL_REPLACED');
  });

  it('reports unknown and dropped settings at their key, never fatal', () => {
    const r = convert(`${PV}frobnicate = 1\nvnuma = [ [ "pnode=0" ] ]\n`);
    expect(r.warnings.filter((w) => ['UNKNOWN_KEY', 'XMCFG_KEY_DROPPED'].includes(w.code)).map((w) => `${w.code}@${w.line}`)).toEqual(['UNKNOWN_KEY@5', 'XMCFG_KEY_DROPPED@6']);
  });

  it('sends HVM-only and device settings where xend expected them (serial list, usbdevice list, soundhw)', () => {
    const d = convert(`${HVM}serial = [ "pty", "file:/tmp/s" ]\nusbdevice = [ "tablet", "mouse" ]\nsoundhw = "ac97"\n`).domain;
    expect(d.serials.map((s) => s.type)).toEqual(['pty', 'file']);
    expect(d.inputs.map((i) => i.type)).toEqual(['tablet', 'mouse']);
    expect(d.sounds).toEqual(['ac97']);
  });
});

describe('NICs without a MAC', () => {
  it('get a stable MAC derived from the uuid and the index, named in the warning', () => {
    const text = `${PV}vif = [ 'bridge=xenbr0', 'bridge=xenbr1', 'mac=00:16:3e:00:00:09,bridge=xenbr2' ]\n`;
    const a = convert(text);
    const macs = a.domain.nics.map((n) => n.mac);
    expect(macs[0]).toMatch(/^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
    expect(macs[1]).not.toBe(macs[0]);
    expect(macs[2]).toBe('00:16:3e:00:00:09');
    expect(convert(text).domain.nics.map((n) => n.mac)).toEqual(macs);
    expect(a.warnings.find((w) => w.code === 'NIC_MAC_MISSING')?.message).toContain(`it gets ${macs[0]}, derived from the domain's uuid`);
    expect(convert(text.replace('555555555555', '555555555557')).domain.nics[0].mac).not.toBe(macs[0]);
  });
});
