/**
 * The "done when", on the libvirt rig: a host with managed domains
 * (xend's store), unmanaged `xm create` configs (some linked from auto/, one
 * extension-less) and one Python-code config is inventoried and upgraded with
 * no domain missing, autostart as the store and the auto/ links said, the code
 * config refused with the --dryrun hint, the .cfg files and links backed up,
 * and /etc/xen not touched. The fixture host (fixtures/xmcfg/host) is copied
 * with every domain name prefixed `xmc-`, so suites sharing the rig never collide.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { ensureRig, libvirtSkipped, type Rig, type TestDriverHolder } from '../rig/rig.js';
import { names, purge, virsh } from '../upgrade/virsh.js';

const FIXTURE = path.join(process.cwd(), 'fixtures', 'xmcfg', 'host');
const DOMAINS = ['build', 'ldap', 'mail', 'web', 'win', 'db01'].map((n) => `xmc-${n}`);

/** Every file under `dir` (links as their target text) → sha256, to prove nothing changed. */
function treeHash(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = path.join(d, n);
      const st = statSync(p, { throwIfNoEntry: false });
      h.update(p);
      try {
        h.update(`->${readlinkSync(p)}`);
        continue;
      } catch {
        /* not a link */
      }
      if (st?.isDirectory()) walk(p);
      else if (st) h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

describe.skipIf(libvirtSkipped)('upgrade of a host with xm configs (libvirt rig)', () => {
  let rig: Rig;
  let work: string;
  let etc: string;
  let store: string;
  let holder: TestDriverHolder;
  beforeAll(async () => {
    rig = await ensureRig();
    // The test driver keeps its domains only while a connection is open.
    holder = await rig.testDriverHolder(rig.h2);
    work = mkdtempSync(path.join(tmpdir(), 'xmc-'));
    cpSync(FIXTURE, work, { recursive: true, verbatimSymlinks: true });
    etc = path.join(work, 'etc/xen');
    store = path.join(work, 'var/lib/xend/domains');
    const prefix = (file: string) => writeFileSync(file, readFileSync(file, 'utf8').replace(/^(name\s*=\s*["'])/m, '$1xmc-').replace(/^vmname = "/m, 'vmname = "xmc-').replace(/\(name (\w+)\)/, '(name xmc-$1)'));
    for (const f of ['web.cfg', 'mail.cfg', 'win', 'db01.cfg', 'build.cfg']) prefix(path.join(etc, f));
    for (const d of readdirSync(store)) prefix(path.join(store, d, 'config.sxp'));
    for (const n of DOMAINS) purge(rig.h2.testUri, n);
  });
  afterAll(async () => {
    for (const n of DOMAINS) if (rig) purge(rig.h2.testUri, n);
    await holder?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('defines every domain of both sources, autostarts what xend and auto/ started, refuses the code config, touches nothing in /etc/xen', async () => {
    const before = treeHash(etc);
    const xendConfig = path.join(etc, 'xend-config.sxp');
    const inv = await runCli(['inventory', '--xend-root', store, '--xend-config', xendConfig, '--json']);
    const listed = (JSON.parse(inv.stdout) as { domains: { name: string | null; source: string; autostart: boolean }[] }).domains;
    expect(listed.map((d) => `${d.name ?? '?'}/${d.source}/${d.autostart}`)).toEqual(['xmc-build/store/false', 'xmc-ldap/store/true', '?/xm-config/false', 'xmc-mail/xm-config/false', 'xmc-web/xm-config/true', 'xmc-win/xm-config/true']);

    const backup = path.join(work, 'backup');
    const dry = await runCli(['upgrade', '--xend-root', store, '--xend-config', xendConfig, '--to', rig.h2.testUri, '--backup-dir', backup, '--dry-run']);
    expect(dry.stdout).toContain(`${etc}/web.cfg`);
    expect(dry.stdout).toContain(`${etc}/win`);
    expect(existsSync(backup)).toBe(false);
    const r = await runCli(['upgrade', '--xend-root', store, '--xend-config', xendConfig, '--to', rig.h2.testUri, '--backup-dir', backup, '--yes', '--json']);
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string; error?: { code: string; message: string } }[] };
    // Exit 1: one domain (the Python config) could not be upgraded; every other one was.
    expect(r.code, r.stderr).toBe(1);
    const status = Object.fromEntries(report.domains.map((d) => [d.name, d.status]));
    expect(status).toEqual({ 'xmc-build': 'done', 'xmc-ldap': 'done', 'db01.cfg': 'failed', 'xmc-mail': 'done', 'xmc-web': 'done', 'xmc-win': 'done' });
    const code = report.domains.find((d) => d.name === 'db01.cfg')?.error;
    expect(code?.code).toBe('XMCFG_PYTHON_CODE');
    expect(code?.message).toContain(`xm create --quiet --dryrun ${etc}/db01.cfg > db01.sxp`);

    expect(names(rig.h2.testUri).filter((n) => n.startsWith('xmc-')).sort()).toEqual(['xmc-build', 'xmc-ldap', 'xmc-mail', 'xmc-web', 'xmc-win']);
    expect(names(rig.h2.testUri, ['--all', '--autostart']).filter((n) => n.startsWith('xmc-')).sort()).toEqual(['xmc-ldap', 'xmc-web', 'xmc-win']);
    // The derived uuid is the one the inventory showed (stable across runs).
    const webUuid = virsh(rig.h2.testUri, ['domuuid', 'xmc-web']).trim();
    const again = JSON.parse((await runCli(['inventory', '--xend-root', store, '--xend-config', xendConfig, '--json'])).stdout) as { domains: { name: string; uuid: string }[] };
    expect(again.domains.find((d) => d.name === 'xmc-web')?.uuid).toBe(webUuid);

    // Backed up: each .cfg (also the one the store shadows) and the auto/ links, in the manifest with hashes.
    const manifest = JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: { file: string; kind: string; source: string }[] };
    const xm = manifest.files.filter((f) => f.kind === 'xm-config' || f.kind === 'auto-links').map((f) => `${f.kind}:${path.basename(f.file)}`).sort();
    expect(xm).toEqual(['auto-links:build.cfg.auto-links', 'auto-links:web.cfg.auto-links', 'auto-links:win.auto-links', 'xm-config:build.cfg', 'xm-config:mail.cfg', 'xm-config:web.cfg', 'xm-config:win']);
    const webLinks = manifest.files.find((f) => f.file.endsWith('web.cfg.auto-links'))!;
    expect(readFileSync(path.join(backup, webLinks.file), 'utf8')).toBe(`${etc}/auto/web.cfg -> ${etc}/web.cfg\n`);
    expect(existsSync(path.join(backup, manifest.files.find((f) => f.file.endsWith('/web.cfg'))!.file))).toBe(true);

    // --resume reads the configs again (same --xend-config): nothing redone, the code config still refused.
    const again2 = await runCli(['upgrade', '--backup-dir', backup, '--resume', '--xend-config', xendConfig, '--yes', '--json']);
    const resumed = JSON.parse(again2.stdout) as { domains: { name: string; status: string }[] };
    expect(Object.fromEntries(resumed.domains.map((d) => [d.name, d.status]))).toEqual(status);

    expect(treeHash(etc)).toBe(before);
  });
});
