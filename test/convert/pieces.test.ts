/** Unit tests for the converter's building blocks: each xend spelling → its libvirt meaning. */
import { describe, expect, it } from 'vitest';
import { parseCharDev } from '../../src/convert/chardev.js';
import { countAvail, formatCpuSet, parseCpuSpec, readAffinity } from '../../src/convert/cpus.js';
import { compareDiskNames, deviceNumberToName, parseDiskDev } from '../../src/convert/disk-target.js';
import { parseUname } from '../../src/convert/uname.js';
import { parseVifRate } from '../../src/convert/vif-rate.js';
import { parseSxp } from '../../src/sxp/index.js';

describe('uname prefixes', () => {
  it.each([
    ['phy:/dev/vg0/lv', 'block', 'phy', 'raw', '/dev/vg0/lv'],
    ['phy:sda7', 'block', 'phy', 'raw', '/dev/sda7'],
    ['file:/srv/a.img', 'file', 'qemu', 'raw', '/srv/a.img'],
    ['tap:aio:/srv/a.img', 'file', 'qemu', 'raw', '/srv/a.img'],
    ['tap:sync:/srv/a.img', 'file', 'qemu', 'raw', '/srv/a.img'],
    ['tap:qcow:/srv/a.qcow', 'file', 'qemu', 'qcow', '/srv/a.qcow'],
    ['tap:qcow2:/srv/a.qcow2', 'file', 'qemu', 'qcow2', '/srv/a.qcow2'],
    ['tap:vhd:/srv/a.vhd', 'file', 'qemu', 'vhd', '/srv/a.vhd'],
    ['tap:tapdisk:aio:/srv/a.img', 'file', 'qemu', 'raw', '/srv/a.img'],
    ['tap2:aio:/srv/a.img', 'file', 'qemu', 'raw', '/srv/a.img'],
    ['tap2:tapdisk:vhd:/srv/a.vhd', 'file', 'qemu', 'vhd', '/srv/a.vhd'],
    ['tapdisk:qcow2:/srv/a.qcow2', 'file', 'qemu', 'qcow2', '/srv/a.qcow2'],
    ['tap:aio:/dev/vg0/lv', 'block', 'phy', 'raw', '/dev/vg0/lv'],
    ['drbd:r0', 'block', 'phy', 'raw', '/dev/drbd/by-res/r0'],
  ])('%s', (uname, sourceType, driver, format, source) => {
    expect(parseUname(uname)).toMatchObject({ ok: true, sourceType, driver, format, source });
  });

  it.each([
    ['tap:vmdk:/srv/a.vmdk', 'unsupported-format'],
    ['tap:ram:/srv/a', 'unsupported-format'],
    ['tap2:remus:/srv/a', 'unsupported-format'],
    ['tap:weird:/srv/a', 'unsupported-format'],
    ['iscsi:iqn.2001-04.com.example:x', 'block-script'],
    ['nbd:host:1234', 'block-script'],
    ['phy:', 'empty'],
  ])('%s is reported, not guessed', (uname, reason) => {
    expect(parseUname(uname)).toMatchObject({ ok: false, reason });
  });
});

describe('disk dev names', () => {
  it('strips ioemu: and :disk, marks :cdrom, picks the bus', () => {
    expect(parseDiskDev('ioemu:hda:disk')).toEqual({ name: 'hda', cdrom: false, bus: 'ide' });
    expect(parseDiskDev('hdc:cdrom')).toEqual({ name: 'hdc', cdrom: true, bus: 'ide' });
    expect(parseDiskDev('sdb')).toEqual({ name: 'sdb', cdrom: false, bus: 'scsi' });
    expect(parseDiskDev('sda1', true)).toEqual({ name: 'sda1', cdrom: false, bus: 'xen' });
  });
  it('decodes Linux device numbers', () => {
    expect(deviceNumberToName(51712)).toBe('xvda');
    expect(deviceNumberToName(51729)).toBe('xvdb1');
    expect(deviceNumberToName(0x300)).toBe('hda');
    expect(deviceNumberToName(0x1640)).toBe('hdd');
    expect(deviceNumberToName(0x820)).toBe('sdc');
    expect(parseDiskDev('0xca10').name).toBe('xvdb');
  });
  it('orders names as the guest enumerates them', () => {
    expect(['xvdaa', 'xvdb', 'xvda', 'xvdz'].sort(compareDiskNames)).toEqual(['xvda', 'xvdb', 'xvdz', 'xvdaa']);
  });
});

describe('cpus', () => {
  it('evaluates ranges and exclusions left to right', () => {
    expect(formatCpuSet(parseCpuSpec('0-7,^3,^5-6,6'))).toBe('0-2,4,6-7');
    expect(() => parseCpuSpec('0-x')).toThrow(/not a CPU/);
  });
  const node = (text: string) => {
    const f = parseSxp(`(cpus ${text})`).forms[0];
    if (f.kind !== 'list') throw new Error('list expected');
    return f.items[1];
  };
  it('reads every historical shape', () => {
    expect(readAffinity(node("'0-3,^1'"), 2)).toEqual({ cpuset: '0,2-3', pins: [] });
    expect(readAffinity(node('(0 2 3)'), 2)).toEqual({ cpuset: '0,2-3', pins: [] });
    expect(readAffinity(node("('0-1' '2-3')"), 2)).toEqual({ pins: [{ vcpu: 0, cpuset: '0-1' }, { vcpu: 1, cpuset: '2-3' }] });
    expect(readAffinity(node('((0 1) (0 1))'), 2)).toEqual({ cpuset: '0-1', pins: [] });
    expect(readAffinity(node('((0 1) ())'), 2)).toEqual({ pins: [{ vcpu: 0, cpuset: '0-1' }] });
    expect(readAffinity(node('(())'), 1)).toEqual({ pins: [] });
  });
  it('counts vcpu_avail bits, even past 2^53', () => {
    expect(countAvail('3', 4)).toEqual({ count: 2, contiguous: true });
    expect(countAvail('5', 4)).toEqual({ count: 2, contiguous: false });
    expect(countAvail('18446744073709551615', 64)).toEqual({ count: 64, contiguous: true });
    expect(countAvail('x', 4)).toBeUndefined();
  });
});

describe('vif rate', () => {
  it('honours xend decimal multipliers and bits', () => {
    expect(parseVifRate('10MB/s')).toBe(9766);
    expect(parseVifRate('10240KB/s')).toBe(10000);
    expect(parseVifRate('100Mb/s@20ms')).toBe(12207);
    expect(parseVifRate('1GB/s')).toBe(976563);
  });
  it('reads the runtime "bytes,interval_us" form', () => {
    expect(parseVifRate('12500,50000')).toBe(244);
  });
  it('rejects nonsense', () => {
    expect(parseVifRate('fast')).toBeUndefined();
    expect(parseVifRate('10MB')).toBeUndefined();
  });
});

describe('character devices', () => {
  it.each([
    ['pty', { type: 'pty' }],
    ['/dev/ttyS0', { type: 'dev', path: '/dev/ttyS0' }],
    ['file:/tmp/x.log', { type: 'file', path: '/tmp/x.log' }],
    ['tcp:0.0.0.0:4555,server,nowait', { type: 'tcp', host: '0.0.0.0', service: '4555', mode: 'bind', protocol: 'raw' }],
    ['telnet:h:23', { type: 'tcp', host: 'h', service: '23', mode: 'connect', protocol: 'telnet' }],
    ['udp:a:1@b:2', { type: 'udp', host: 'a', service: '1', bindHost: 'b', bindService: '2' }],
    ['unix:/s.sock,server', { type: 'unix', path: '/s.sock', mode: 'bind' }],
  ])('%s', (spec, want) => {
    expect(parseCharDev(spec, 0)).toMatchObject(want);
  });
  it('rejects unknown kinds and malformed addresses', () => {
    expect(() => parseCharDev('bogus:x', 0)).toThrow(/unknown/);
    expect(() => parseCharDev('tcp:nohost', 0)).toThrow(/malformed/);
  });
});
