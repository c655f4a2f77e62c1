import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { scanXendRoot } from '../../src/inventory/scan.js';
import type { Inventory } from '../../src/inventory/types.js';
import { loadXendConfig } from '../../src/inventory/xend-config.js';
import { copyDomains, domainsFixture, UUIDS, xendConfigFixture } from '../batch/fixture-paths.js';

const codesOf = (inv: Inventory, dir: string) => {
  const e = inv.domains.find((d) => d.directoryUuid === dir);
  if (!e) throw new Error(`no entry for ${dir}`);
  return { status: e.status, codes: e.problems.map((p) => p.code).sort() };
};

describe('inventory of the fixture xend root', async () => {
  const xendConfig = await loadXendConfig(xendConfigFixture);
  const inv = await scanXendRoot({ root: domainsFixture, defaults: xendConfig?.defaults, xendConfig: xendConfig?.file });

  it('reports every directory, in directory order', () => {
    expect(inv.domains.map((d) => d.directoryUuid)).toEqual(Object.values(UUIDS).slice().sort());
  });

  it('gives each entry its exact status and problem codes', () => {
    const got = Object.fromEntries(Object.entries(UUIDS).map(([k, dir]) => [k, codesOf(inv, dir)]));
    expect(got).toEqual({
      build01: { status: 'error', codes: ['INV_UUID_MISMATCH'] },
      mail01: { status: 'warning', codes: ['INV_CHECKPOINT'] },
      clusterA: { status: 'warning', codes: ['INV_SHARED_DISK'] },
      clusterB: { status: 'warning', codes: ['INV_SHARED_DISK'] },
      web01: { status: 'ok', codes: [] },
      // A uuid-mismatched copy xend never loaded: its own error only; the healthy app01 is warned, not blocked.
      app02: { status: 'error', codes: ['INV_UUID_MISMATCH'] },
      ldap01: { status: 'error', codes: ['INV_TRUNCATED'] },
      db01: { status: 'ok', codes: [] },
      app01: { status: 'warning', codes: ['INV_BROKEN_COPY'] },
      test01a: { status: 'error', codes: ['INV_DUPLICATE_NAME'] },
      test01b: { status: 'error', codes: ['INV_DUPLICATE_NAME'] },
      // The converter's own warnings are passed through with their codes.
      win2k8: { status: 'warning', codes: ['QEMU_TRADITIONAL_REPLACED', 'SHADOW_MEMORY_AUTO', 'VNC_PASSWORD_NEEDS_DES'] },
    });
  });

  it('summarises the host', () => {
    expect(inv.summary).toEqual({
      root: domainsFixture,
      xendConfig: xendConfigFixture,
      domains: 12,
      ok: 2,
      warning: 5,
      error: 5,
      pv: 10,
      hvm: 1,
      autostart: 2,
      suspended: 1,
    });
  });

  it('reads the facts of a good PV and an HVM domain', () => {
    const web = inv.domains.find((d) => d.directoryUuid === UUIDS.web01)!;
    expect(web).toMatchObject({ name: 'web01', uuid: UUIDS.web01, type: 'pv', memoryMiB: 1024, vcpus: 2, autostart: true, state: 'halted', macs: ['00:16:3e:4a:10:01'] });
    expect(web.disks).toEqual([
      { target: 'xvda', device: 'disk', source: '/dev/vg0/web01-root', mode: 'w' },
      { target: 'xvdb', device: 'disk', source: '/var/lib/xen/images/web01-data.img', mode: 'w' },
    ]);
    const win = inv.domains.find((d) => d.directoryUuid === UUIDS.win2k8)!;
    expect(win).toMatchObject({ name: 'win2k8', type: 'hvm', memoryMiB: 4096, vcpus: 2, autostart: true, state: 'running' });
    expect(win.disks.map((d) => [d.target, d.device, d.mode])).toEqual([
      ['hda', 'disk', 'w'],
      ['hdc', 'cdrom', 'r'],
    ]);
  });

  it('says what to do about a domain suspended by xend', () => {
    const mail = inv.domains.find((d) => d.directoryUuid === UUIDS.mail01)!;
    expect(mail.state).toBe('suspended');
    expect(mail.checkpointBytes).toBeGreaterThan(4096);
    const p = mail.problems.find((x) => x.code === 'INV_CHECKPOINT')!;
    expect(p.message).toContain('xm resume mail01');
    expect(p.message).toContain('libxl cannot resume');
    expect(p.message).not.toContain('damaged');
  });

  it('names the truncated entry from what survived and points at the cut', () => {
    const ldap = inv.domains.find((d) => d.directoryUuid === UUIDS.ldap01)!;
    expect(ldap.name).toBe('ldap01');
    expect(ldap.type).toBeUndefined();
    const p = ldap.problems[0];
    expect(p).toMatchObject({ code: 'INV_TRUNCATED', severity: 'error', line: 16 });
  });

  it('names the other party of every cross-entry problem', () => {
    const a = inv.domains.find((d) => d.directoryUuid === UUIDS.clusterA)!;
    expect(a.problems[0].message).toContain('/dev/mapper/san-ocfs2');
    expect(a.problems[0].message).toContain(`cluster-b (${UUIDS.clusterB})`);
    const app01 = inv.domains.find((d) => d.directoryUuid === UUIDS.app01)!;
    expect(app01.problems.find((p) => p.code === 'INV_BROKEN_COPY')!.message).toContain(`/${UUIDS.app02} carries the same uuid`);
  });
});

describe('inventory keeps going past broken entries', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('reports missing, unreadable and empty config.sxp files next to the good entries', async () => {
    const copy = copyDomains();
    cleanup = copy.cleanup;
    const missing = 'dddddddd-0000-4000-8000-000000000001';
    const isDir = 'dddddddd-0000-4000-8000-000000000002';
    const empty = 'dddddddd-0000-4000-8000-000000000003';
    mkdirSync(path.join(copy.dir, missing));
    mkdirSync(path.join(copy.dir, isDir, 'config.sxp'), { recursive: true });
    mkdirSync(path.join(copy.dir, empty));
    writeFileSync(path.join(copy.dir, empty, 'config.sxp'), '\n  \n');
    // A stray file at the top is not a domain (xend only looked at directories).
    writeFileSync(path.join(copy.dir, 'README'), 'notes\n');
    rmSync(path.join(copy.dir, UUIDS.app02), { recursive: true });

    const inv = await scanXendRoot({ root: copy.dir });
    expect(inv.domains).toHaveLength(14);
    expect(codesOf(inv, missing)).toEqual({ status: 'error', codes: ['INV_UNREADABLE'] });
    expect(codesOf(inv, isDir)).toEqual({ status: 'error', codes: ['INV_UNREADABLE'] });
    expect(codesOf(inv, empty)).toEqual({ status: 'error', codes: ['INV_TRUNCATED'] });
    // With the clone gone, app01 is clean again: cross-checks are recomputed per scan.
    expect(codesOf(inv, UUIDS.app01)).toEqual({ status: 'ok', codes: [] });
    expect(inv.domains.find((d) => d.directoryUuid === missing)!.problems[0].message).toContain('no config.sxp');
  });

  it('flags a damaged checkpoint image and a syntax error that is not a truncation', async () => {
    const copy = copyDomains();
    cleanup = copy.cleanup;
    writeFileSync(path.join(copy.dir, UUIDS.web01, 'checkpoint.chk'), 'garbage');
    writeFileSync(path.join(copy.dir, UUIDS.db01, 'config.sxp'), '(domain (name db01))) (uuid x)\n');
    const inv = await scanXendRoot({ root: copy.dir });
    const web = inv.domains.find((d) => d.directoryUuid === UUIDS.web01)!;
    expect(web.status).toBe('warning');
    expect(web.problems[0].message).toContain('damaged');
    expect(codesOf(inv, UUIDS.db01)).toEqual({ status: 'error', codes: ['INV_SYNTAX'] });
  });

  it('refuses a missing root with a hint', async () => {
    await expect(scanXendRoot({ root: '/nonexistent/xend/domains' })).rejects.toMatchObject({ code: 'XEND_ROOT_UNREADABLE', hint: expect.stringContaining('--xend-root') });
  });
});
