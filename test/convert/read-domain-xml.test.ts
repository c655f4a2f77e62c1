/** readDomainXml: what verification compares after `virsh dumpxml`, in libvirt's own spellings. */
import { describe, expect, it } from 'vitest';
import { DomainXmlError, readDomainXml } from '../../src/convert/read-domain-xml.js';

const DUMP = `<domain type='xen' id='3'>
  <name>web01</name>
  <uuid>7F3C8A52-1D9E-4B6A-9C0E-2F5D8B3A6E41</uuid>
  <memory unit='GiB'>2</memory>
  <currentMemory unit='MiB'>1024</currentMemory>
  <vcpu placement='static' current='1'>2</vcpu>
  <os><type arch='x86_64' machine='xenpv'>linux</type></os>
  <devices>
    <disk type='block' device='disk'>
      <driver name='phy' type='raw'/>
      <source dev='/dev/vg0/root'/>
      <target dev='xvda' bus='xen'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='xvdb' bus='xen'/>
      <readonly/>
      <shareable/>
    </disk>
    <interface type='bridge'>
      <mac address='00:16:3E:12:34:56'/>
      <source bridge='br0'/>
      <ip address='192.0.2.1' family='ipv4'/>
      <ip address='192.0.2.2' family='ipv4'/>
      <script path='vif-bridge'/>
      <model type='netfront'/>
    </interface>
  </devices>
</domain>`;

describe('readDomainXml', () => {
  it('reads the pinned fields with units and case normalised', () => {
    const d = readDomainXml(DUMP);
    expect(d).toMatchObject({ name: 'web01', uuid: '7f3c8a52-1d9e-4b6a-9c0e-2f5d8b3a6e41', osType: 'pv', maxMemoryKiB: 2097152, memoryKiB: 1048576, vcpus: 2 });
    expect(d.disks).toEqual([
      { target: 'xvda', device: 'disk', sourceType: 'block', source: '/dev/vg0/root', readonly: false, shareable: false, bus: 'xen', bootable: false, driver: 'phy', format: 'raw' },
      { target: 'xvdb', device: 'cdrom', sourceType: 'file', readonly: true, shareable: true, bus: 'xen', bootable: false, driver: 'qemu', format: 'raw' },
    ]);
    expect(d.nics).toEqual([{ type: 'bridge', mac: '00:16:3e:12:34:56', bridge: 'br0', script: 'vif-bridge', model: 'netfront', ips: ['192.0.2.1', '192.0.2.2'] }]);
  });

  it('defaults currentMemory to memory and counts in KiB without a unit', () => {
    const d = readDomainXml("<domain type='xen'><name>a</name><memory>4096</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>");
    expect(d).toMatchObject({ memoryKiB: 4096, maxMemoryKiB: 4096, osType: 'hvm', disks: [], nics: [] });
  });

  it.each([
    ['not XML', 'not xml at all <', /well-formed|<domain>/],
    ['no name', "<domain><memory>1</memory></domain>", /<name>/],
    ['bad memory', "<domain><name>a</name><memory>lots</memory></domain>", /<memory>/],
    ['bad unit', "<domain><name>a</name><memory unit='parsecs'>1</memory></domain>", /unit/],
  ])('rejects %s with a typed error', (_what, xml, msg) => {
    let err: unknown;
    try {
      readDomainXml(xml);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainXmlError);
    expect((err as Error).message).toMatch(msg);
  });
});
