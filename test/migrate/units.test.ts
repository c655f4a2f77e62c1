import { describe, expect, it } from 'vitest';
import { migrateArgs, parseVirshPercent } from '../../src/libvirt/migration.js';
import { capsOf, checkUris, driverOfUri } from '../../src/migrate/driver.js';
import { classifyText, virshMessage } from '../../src/migrate/virsh-errors.js';
import { HostSlots, QueueCancelled } from '../../src/migrate/scheduler.js';
import { domainFacts } from '../../src/migrate/domain-facts.js';
import type { VirshResult } from '../../src/libvirt/runner.js';

describe('virsh migrate call', () => {
  it('is a persistent p2p live migration with the domain after --', () => {
    expect(migrateArgs({ domain: '-x', destUri: 'xen+ssh://b/system', bandwidthMiB: 5, migrateUri: 'tcp://10.0.0.2' })).toEqual([
      '-k', '0', 'migrate', '--live', '--p2p', '--persistent', '--undefinesource', '--verbose', '--bandwidth', '5', '--migrateuri', 'tcp://10.0.0.2', '--', '-x', 'xen+ssh://b/system',
    ]);
  });
  it('reads virsh --verbose progress (integer and two-decimal forms)', () => {
    expect(parseVirshPercent('Migration: [ 24 %]\rMigration: [ 26 %]\rMigration: [ 33.25 %]')).toEqual([24, 26, 33.25]);
  });
});

describe('libvirt error texts', () => {
  it.each([
    ['error: this function is not supported by the connection driver: virDomainAbortJob', 'unsupported'],
    ["error: argument unsupported: parameter 'bandwidth' not supported", 'unsupported'],
    ["error: failed to get domain 'web1'", 'not-found'],
    ["error: operation aborted: job 'migration out' canceled by client", 'aborted'],
    ['error: Requested operation is not valid: no job is active on the domain', 'job-inactive'],
    ['error: Requested operation is not valid: domain is not running', 'invalid-state'],
    ['error: failed to connect to the hypervisor', 'connection'],
    ['error: internal error: Failed to send migration data to destination host', 'other'],
  ])('%s → %s', (text, kind) => expect(classifyText(text)).toBe(kind));
  it('takes the error out of \\r-separated progress', () => {
    const r = { argv: ['virsh'], stdout: '', stderr: "Migration: [ 24 %]\rMigration: [ 28 %]error: operation aborted: job 'migration out' canceled by client\n", exitCode: 1, signal: null, timedOut: false, durationMs: 1 } as VirshResult;
    expect(virshMessage(r)).toBe("operation aborted: job 'migration out' canceled by client");
  });
});

describe('drivers and URIs', () => {
  it('knows libxl cannot abort, cap bandwidth or count bytes', () => {
    expect(driverOfUri('xen+ssh://h/system')).toBe('libxl');
    expect(driverOfUri('qemu+tcp://h/system')).toBe('qemu');
    expect(capsOf('libxl')).toMatchObject({ abortJob: false, bandwidth: false, byteStats: false });
    expect(capsOf('qemu')).toMatchObject({ abortJob: true, bandwidth: true, byteStats: true });
  });
  it('rejects nonsense and warns about libxl on localhost', () => {
    expect(checkUris('xen://a/system', 'xen://a/system').errors.join()).toMatch(/same URI/);
    expect(checkUris('not a uri', 'xen://b/system').errors.join()).toMatch(/not a libvirt URI/);
    expect(checkUris('xen://a/system', 'qemu://b/system').errors.join()).toMatch(/libxl driver but --to uses qemu/);
    expect(checkUris('qemu:///system', 'qemu+unix:///system?socket=/x').errors.join()).toMatch(/local socket/);
    expect(checkUris('xen://a/system', 'xen+ssh://b/system', 'udp://x').errors.join()).toMatch(/tcp:\/\/ADDRESS/);
    expect(checkUris('xen://a/system', 'xen+ssh://localhost/system').warnings.join()).toMatch(/FQDN/);
    expect(checkUris('xen://a/system', 'xen+ssh://b/system', 'tcp://10.0.0.2:49152')).toEqual({ errors: [], warnings: [] });
  });
});

describe('domain facts', () => {
  it('extracts memory, bridges, networks, paths, host devices and a CPU model', () => {
    const f = domainFacts(`<domain type='xen'><name>w</name><uuid>u-1</uuid><memory unit='KiB'>524288</memory>
      <os><type>linux</type><kernel>/boot/vmlinuz</kernel></os><cpu mode='custom'><model>Haswell</model></cpu>
      <devices><disk type='file'><source file='/srv/w.img'/></disk><disk type='block'><source dev='/dev/vg/w'/></disk>
      <interface type='bridge'><source bridge='xenbr0'/></interface><interface type='network'><source network='lan'/></interface>
      <hostdev mode='subsystem' type='pci'/></devices></domain>`);
    expect(f).toMatchObject({ name: 'w', uuid: 'u-1', memoryBytes: 512 * 1048576, bridges: ['xenbr0'], networks: ['lan'], hostDevices: 1, hypervisorType: 'xen' });
    expect(f.paths).toEqual(['/srv/w.img', '/dev/vg/w', '/boot/vmlinuz']);
    expect(f.cpuXml).toContain('Haswell');
  });
  it('refuses XML that is not a domain', () => expect(() => domainFacts('<network/>')).toThrow(/no <domain> root/));
});

describe('HostSlots', () => {
  it('admits one outgoing and one incoming per host by default and queues the rest FIFO', async () => {
    const slots = new HostSlots();
    const order: string[] = [];
    const r1 = await slots.acquire({ source: 'a', dest: 'b' });
    const p2 = slots.acquire({ source: 'a', dest: 'b' }).then((r) => (order.push('2'), r));
    const p3 = slots.acquire({ source: 'c', dest: 'b' }).then((r) => (order.push('3'), r));
    const r4 = await slots.acquire({ source: 'e', dest: 'd' }); // other hosts: not blocked
    expect(slots.waiting).toBe(2);
    r1();
    (await p2)();
    (await p3)();
    r4();
    expect(order).toEqual(['2', '3']);
  });
  it('cancels a queued request without granting it', async () => {
    const slots = new HostSlots(1, 1);
    const held = await slots.acquire({ source: 'a', dest: 'b' });
    const ac = new AbortController();
    const queued = slots.acquire({ source: 'a', dest: 'b' }, ac.signal);
    ac.abort();
    await expect(queued).rejects.toBeInstanceOf(QueueCancelled);
    expect(slots.waiting).toBe(0);
    held();
  });
  it('honours a parallel limit of 2', async () => {
    const slots = new HostSlots(2, 2);
    await slots.acquire({ source: 'a', dest: 'b' });
    await slots.acquire({ source: 'a', dest: 'b' });
    let third = false;
    void slots.acquire({ source: 'a', dest: 'b' }).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe(false);
  });
});
