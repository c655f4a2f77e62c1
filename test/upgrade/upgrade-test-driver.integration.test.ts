/**
 * (a) A xend store → `upgrade` onto libvirt's test driver inside a real
 * libvirtd (a held connection keeps its state): every good domain defined with
 * the XML we converted (read back and compared), autostart as xend had it,
 * VNC passwords kept, hostile names literal, the xend store untouched; a
 * re-run is idempotent and --rollback removes exactly what we defined.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { readJournal } from '../../src/upgrade/journal.js';
import { readDomainXml } from '../../src/convert/read-domain-xml.js';
import { repoRoot, runCli } from '../helpers/run-cli.js';
import { announceSkip, ensureRig, libvirtSkipped, type TestDriverHolder } from '../rig/rig.js';
import { names, purge, virsh } from './virsh.js';
import { suiteUuid, treeHash, writeTree, type TreeDomain } from './xend-tree.js';

// No '/' in it: libvirt forbids that in names. Relative, so it would land in the cwd (the repo) if a shell ever ran it.
const PWNED = path.join(repoRoot, 'upg-a-pwned');
const domains: TreeDomain[] = [
  { name: 'upg-a-web', uuid: suiteUuid('a0a0', 1), kind: 'pv-pygrub', autostart: true, vncPassword: 's3cret pass' },
  { name: 'upg-a-$(touch upg-a-pwned); x y', uuid: suiteUuid('a0a0', 2), kind: 'pv-kernel' },
  { name: 'upg-a-win', uuid: suiteUuid('a0a0', 3), kind: 'hvm', autostart: true, memoryMiB: 1024 },
  { name: 'upg-a-cut', uuid: suiteUuid('a0a0', 4), kind: 'pv-kernel', truncated: true },
  { name: 'upg-a-sus', uuid: suiteUuid('a0a0', 5), kind: 'pv-kernel', checkpoint: true },
];
const good = domains.filter((d) => !d.truncated);


describe.skipIf(libvirtSkipped)('upgrade onto the test driver of a real libvirtd (a)', () => {
  let holder: TestDriverHolder;
  let uri: string;
  let work: string;
  let root: string;
  beforeAll(async () => {
    const rig = await ensureRig();
    holder = await rig.testDriverHolder(rig.h1);
    uri = holder.uri;
    for (const d of domains) purge(uri, d.name);
    // Hostile characters in every path we are given, too.
    work = mkdtempSync(path.join(tmpdir(), 'upg-a $(echo no); '));
    root = path.join(work, 'xend root ; $(touch x)', 'domains');
    writeTree(root, domains);
  });
  afterAll(async () => {
    for (const d of domains) purge(uri, d.name);
    await holder?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('defines every good domain as converted, sets autostart, keeps secrets, touches nothing it must not', async () => {
    const before = treeHash(root);
    const backup = path.join(work, 'backup one');
    // `../` in the paths as typed: resolved as paths, never interpreted by anything else.
    mkdirSync(path.join(work, 'sub'));
    const typedRoot = `${work}/sub/../${path.relative(work, root)}`;
    const r = await runCli(['upgrade', '--xend-root', typedRoot, '--to', uri, '--backup-dir', `${work}/sub/../backup one`, '--yes', '--json']);
    expect(r.code).toBe(1); // the truncated entry
    const report = JSON.parse(r.stdout) as { domains: { name: string; status: string; error?: { code: string } }[] };
    const status = Object.fromEntries(report.domains.map((d) => [d.name, d.status]));
    expect(status).toEqual(Object.fromEntries(domains.map((d) => [d.name, d.truncated ? 'failed' : 'done'])));
    expect(report.domains.find((d) => d.name === 'upg-a-cut')!.error!.code).toBe('INV_TRUNCATED');

    const defined = names(uri);
    for (const d of good) {
      expect(defined).toContain(d.name);
      const stored = virsh(uri, ['dumpxml', '--inactive', '--security-info', '--', d.name]);
      const ours = convertSxpText(readFileSync(path.join(root, d.uuid, 'config.sxp')), { file: 'x' });
      expect(readDomainXml(stored)).toEqual(readDomainXml(ours.xml!));
      expect(stored).toContain(`<uuid>${d.uuid}</uuid>`);
    }
    expect(defined).not.toContain('upg-a-cut');
    expect(virsh(uri, ['dumpxml', '--security-info', '--', 'upg-a-web'])).toContain("passwd='s3cret pass'");
    expect(names(uri, ['--all', '--autostart']).filter((n) => n.startsWith('upg-a-')).sort()).toEqual(['upg-a-web', 'upg-a-win']);
    expect(existsSync(PWNED)).toBe(false);
    expect(existsSync(path.join(work, 'x'))).toBe(false);
    expect(treeHash(root)).toBe(before);
    // The backup: private, hashed, with the suspend image.
    expect(statSync(backup).mode & 0o777).toBe(0o700);
    const manifest = JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: { file: string; kind: string; sha256: string }[] };
    expect(manifest.files.filter((f) => f.kind === 'checkpoint.chk')).toHaveLength(1);
    for (const f of manifest.files) {
      expect(statSync(path.join(backup, f.file)).mode & 0o777).toBe(0o600);
      expect(createHash('sha256').update(readFileSync(path.join(backup, f.file))).digest('hex')).toBe(f.sha256);
    }
  });

  it('a second run finds everything already defined and equal: nothing is defined again', async () => {
    const backup = path.join(work, 'backup two');
    const r = await runCli(['upgrade', '--xend-root', root, '--to', uri, '--backup-dir', backup, '--yes']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/upg-a-web: already defined on .* and equal: not defined again/);
    const j = (await readJournal(backup))!;
    for (const d of j.domains.filter((x) => x.status === 'done')) {
      expect(d.history.map((h) => h.event)).not.toContain('define-requested');
      expect(d.definedByUs).toBe(false);
    }
  });

  it('--rollback undefines what the first run defined; the second run owns nothing', async () => {
    const r2 = await runCli(['upgrade', '--backup-dir', path.join(work, 'backup two'), '--rollback', '--yes', '--json']);
    expect(r2.code).toBe(0);
    expect(names(uri).filter((n) => n.startsWith('upg-a-'))).toHaveLength(good.length);
    const r1 = await runCli(['upgrade', '--backup-dir', path.join(work, 'backup one'), '--rollback', '--yes']);
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/rolled back/);
    expect(names(uri).filter((n) => n.startsWith('upg-a-'))).toEqual([]);
  });
});

if (libvirtSkipped) announceSkip('upgrade onto the test driver (a)');
