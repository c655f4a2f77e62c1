// Inventory over xend's store AND /etc/xen's xm/xl configs: sources, auto/ links, the store winning a shared name, cross-checks over both, the code config refused.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { domainChoices } from '../../src/wizard/screens/domains.js';
import { describe, expect, it } from 'vitest';
import { scanXendRoot } from '../../src/inventory/scan.js';
import { scanXmConfigDir } from '../../src/inventory/xm-configs.js';
import { runCli } from '../helpers/run-cli.js';

const HOST = path.join(process.cwd(), 'fixtures', 'xmcfg', 'host');
const STORE = path.join(HOST, 'var/lib/xend/domains');
const ETC = path.join(HOST, 'etc/xen');
const codes = (e: { problems: { code: string }[] } | undefined) => e?.problems.map((p) => p.code) ?? [];

describe('inventory with xm configs', () => {
  it('lists store and .cfg domains with their source, +auto from the links, and skips what is not a domain config', async () => {
    const inv = await scanXendRoot({ root: STORE, xmConfigDir: ETC });
    const rows = inv.domains.map((e) => `${e.name ?? '?'}:${e.source ?? 'store'}:${path.basename(e.path)}:${e.autostart ? 'auto' : '-'}:${e.status}`);
    expect(rows).toEqual([
      'build:store:config.sxp:-:warning',
      'ldap:store:config.sxp:auto:warning',
      '?:xm-config:db01.cfg:-:error',
      'mail:xm-config:mail.cfg:-:warning',
      'web:xm-config:web.cfg:auto:warning',
      'win:xm-config:win:auto:warning',
    ]);
    expect(inv.summary).toMatchObject({ domains: 6, xmConfigDir: ETC, xmConfigs: 4, error: 1, autostart: 3 });
  });

  it('treats a name in both as one domain: the store wins, the .cfg and its auto link are named on it', async () => {
    const inv = await scanXendRoot({ root: STORE, xmConfigDir: ETC });
    const build = inv.domains.find((e) => e.name === 'build');
    const shadow = build?.problems.find((p) => p.code === 'INV_XM_CONFIG_SHADOWED');
    expect(shadow?.message).toContain(`${ETC}/build.cfg describes the same domain (name build); xend's store wins because it is what \`xm list\` showed`);
    expect(shadow?.message).toContain('its /etc/xen/auto link asked for autostart');
    expect(build?.autostart).toBe(false);
  });

  it('runs the cross-checks over both sets (a MAC shared by a managed and an unmanaged domain)', async () => {
    const inv = await scanXendRoot({ root: STORE, xmConfigDir: ETC });
    expect(codes(inv.domains.find((e) => e.name === 'ldap'))).toContain('INV_DUPLICATE_MAC');
    expect(codes(inv.domains.find((e) => e.name === 'mail'))).toContain('INV_DUPLICATE_MAC');
    // Without the configs, the store alone has no such problem.
    const storeOnly = await scanXendRoot({ root: STORE });
    expect(codes(storeOnly.domains.find((e) => e.name === 'ldap'))).not.toContain('INV_DUPLICATE_MAC');
    expect(storeOnly.domains).toHaveLength(2);
  });

  it('refuses the Python config with its position and the --dryrun hint, and derives a stable uuid for web', async () => {
    const { entries, autoLinks } = await scanXmConfigDir(ETC);
    const db = entries.find((e) => e.path.endsWith('db01.cfg'));
    expect(db?.problems[0]).toMatchObject({ code: 'XMCFG_PYTHON_CODE', severity: 'error', line: 2, column: 1 });
    expect(db?.problems[0].message).toContain(`xm create --quiet --dryrun ${ETC}/db01.cfg > db01.sxp`);
    const web1 = entries.find((e) => e.name === 'web');
    const web2 = (await scanXmConfigDir(ETC)).entries.find((e) => e.name === 'web');
    expect(web1?.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(web2?.uuid).toBe(web1?.uuid);
    expect(codes(web1)).toContain('UUID_DERIVED');
    expect(autoLinks.map((a) => [path.basename(a.link), a.target && path.basename(a.target)])).toEqual([
      ['build.cfg', 'build.cfg'],
      ['gone.cfg', undefined],
      ['web.cfg', 'web.cfg'],
      ['win', 'win'],
    ]);
  });

  it('a host that never used xm new: a missing default store is empty when configs are read', async () => {
    const inv = await scanXendRoot({ root: path.join(HOST, 'no-store'), xmConfigDir: ETC, storeOptional: true });
    expect(inv.domains.map((e) => e.name ?? '?')).toEqual(['build', '?', 'mail', 'web', 'win']);
    await expect(scanXendRoot({ root: path.join(HOST, 'no-store'), xmConfigDir: ETC })).rejects.toMatchObject({ code: 'XEND_ROOT_UNREADABLE' });
  });

  it('the CLI takes the configs next to xend-config.sxp by default, shows SOURCE, and --no-xm-configs leaves them out', async () => {
    const base = ['inventory', '--xend-root', STORE, '--xend-config', path.join(ETC, 'xend-config.sxp'), '-q'];
    const r = await runCli(base);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+UUID\s+TYPE\s+MEM\s+VCPUS\s+STATE\s+STATUS\s+SOURCE\s+PROBLEMS$/);
    expect(lines.find((l) => l.startsWith('web '))).toMatch(/unknown\+auto\s+warning\s+web\.cfg\s+/);
    expect(lines.find((l) => l.startsWith('ldap '))).toMatch(/\s+store\s+/);
    expect(r.stdout).toContain(`6 domains in ${STORE}: `);
    expect(r.stdout).toContain(`; 4 domains of these from xm/xl configs in ${ETC}`);
    const json = JSON.parse((await runCli([...base, '--json'])).stdout);
    expect(json.domains.map((d: { source: string }) => d.source)).toEqual(['store', 'store', 'xm-config', 'xm-config', 'xm-config', 'xm-config']);
    const none = await runCli([...base, '--no-xm-configs']);
    expect(none.stdout.split('\n')[0]).not.toContain('SOURCE');
    expect(none.stdout).toContain(`2 domains in ${STORE}: `);
    expect((await runCli([...base, '--xm-config-dir', '/nonexistent'])).code).toBe(2);
  });

  it('reads a plain file put in auto/ as a config of its own, and refuses a FIFO named .cfg without hanging', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'xmcfg-inv-'));
    try {
      mkdirSync(path.join(dir, 'auto'));
      writeFileSync(path.join(dir, 'auto', 'solo.cfg'), 'name = "solo"\nmemory = 64\nbootloader = "pygrub"\n');
      execFileSync('mkfifo', [path.join(dir, 'pipe.cfg')]);
      const { entries } = await scanXmConfigDir(dir);
      expect(entries.map((e) => `${e.name ?? '?'}:${e.autostart}:${e.status}:${e.problems.map((p) => p.code).join(',')}`)).toEqual(['?:false:error:INV_UNREADABLE', 'solo:true:warning:UUID_DERIVED']);
      expect(entries[0].problems[0].message).toMatch(/FIFO/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the wizard shows where a domain came from', async () => {
    const inv = await scanXendRoot({ root: STORE, xmConfigDir: ETC });
    const names = domainChoices(inv.domains).map((c) => c.name.split('\n')[0]);
    expect(names.find((n) => n.startsWith('web '))).toBe('web  (PV, 128 MiB, 1 vCPU, web.cfg +auto)');
    expect(names.find((n) => n.startsWith('ldap '))).toBe('ldap  (PV, 128 MiB, 1 vCPU, unknown)');
  });

  it("follows xendomains' XENDOMAINS_AUTO (/etc/default or /etc/sysconfig), mapped into a copied host tree", async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'xmcfg-xd-'));
    try {
      const etc = path.join(root, 'etc', 'xen');
      mkdirSync(path.join(etc, 'boot'), { recursive: true });
      writeFileSync(path.join(etc, 'a.cfg'), 'name = "a"\nmemory = 64\nbootloader = "pygrub"\n');
      execFileSync('ln', ['-s', '../a.cfg', path.join(etc, 'boot', 'a.cfg')]);
      const autostart = async () => (await scanXmConfigDir(etc)).entries.map((e) => `${e.name}:${e.autostart}`);
      expect(await autostart()).toEqual(['a:false']);
      mkdirSync(path.join(root, 'etc', 'sysconfig'));
      writeFileSync(path.join(root, 'etc', 'sysconfig', 'xendomains'), '## Path: System/Virtualization\nXENDOMAINS_AUTO="/etc/xen/boot"  # moved\n');
      expect(await autostart()).toEqual(['a:true']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
