/**
 * The whole wizard, in-place upgrade path, against libvirt's test driver inside
 * a real libvirtd from the rig (a held connection keeps its state): the plan
 * shown (every warning, the upgrade's own --dry-run), the typed host name, the
 * real upgrade run through the CLI, the resulting definitions, and the
 * equivalent one-line command.
 */
import { screen } from '@inquirer/testing/vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, capture, startWizard, until } from './flow.js';
import { announceSkip, ensureRig, libvirtSkipped, type TestDriverHolder } from '../rig/rig.js';
import { names, purge, virsh } from '../upgrade/virsh.js';
import { suiteUuid, writeTree, type TreeDomain } from '../upgrade/xend-tree.js';

const domains: TreeDomain[] = [
  { name: 'wiz-web', uuid: suiteUuid('e0e0', 1), kind: 'pv-pygrub', autostart: true },
  { name: 'wiz-sus', uuid: suiteUuid('e0e0', 2), kind: 'pv-kernel', checkpoint: true },
  { name: 'wiz-win', uuid: suiteUuid('e0e0', 3), kind: 'hvm' },
];

announceSkip('wizard upgrade end to end');

describe.skipIf(libvirtSkipped)('wizard: in-place upgrade onto the test driver of a real libvirtd', () => {
  let holder: TestDriverHolder;
  let uri: string;
  let work: string;
  let root: string;
  beforeAll(async () => {
    const rig = await ensureRig();
    holder = await rig.testDriverHolder(rig.h1);
    uri = holder.uri;
    for (const d of domains) purge(uri, d.name);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-upg-'));
    root = path.join(work, 'domains');
    writeTree(root, domains);
  });
  afterAll(async () => {
    for (const d of domains) purge(uri, d.name);
    await holder?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('plans with every warning, needs the host name, defines every domain, prints the one-liner', async () => {
    const backup = path.join(work, 'backup');
    const c = capture(work);
    const done = startWizard(c, { xendRoot: root, probeUri: [uri] });

    await answer('What should happen?', 'down', 'enter');
    await answer('Which domains should be upgraded?', 'enter');
    await answer('Backup and journal directory?', { type: backup }, 'enter');
    await answer('Which connection shows the domains xend runs now', 'down', 'enter'); // none: nothing runs under xend here
    await answer('Define the domains on which libvirt connection', 'down', 'enter'); // another URI…
    await answer('libvirt URI:', { type: uri }, 'enter');
    await answer('shut down', 'enter');
    await answer('Domains to handle at once?', 'enter');
    await answer('How is the toolstack switched', 'down', 'enter');
    await answer('Switch command', { type: 'true' }, 'enter');

    // The plan, and the upgrade's own dry run, are on screen before the confirmation.
    await until('Type the host name');
    const plan = c.out();
    expect(plan).toMatch(/Plan\n {2}1\. back up, shut down, switch and define every domain in the store \(3\) on test\+unix/);
    expect(plan).toContain('wiz-sus: warning[INV_CHECKPOINT]');
    expect(plan).toContain('no --from connection: running guests are not shut down by the upgrade');
    expect(plan).toContain(`journal: ${backup}/journal.json`);
    // Defaults (shutdown timeout 300, parallel 4) are the flags' defaults, so they are not repeated.
    expect(plan).toContain(`$ xend2libxl upgrade --dry-run --xend-root ${root} --to '${uri}' --backup-dir ${backup} --yes --switch-command true\n`);
    expect(names(uri)).not.toContain('wiz-web');

    screen.type('not-this-host');
    screen.keypress('enter');
    await until("that is not this host's name");
    for (let i = 0; i < 'not-this-host'.length; i++) screen.keypress('backspace');
    screen.type(os.hostname());
    screen.keypress('enter');
    expect(await done, c.err()).toBe(0);

    const defined = names(uri);
    for (const d of domains) {
      expect(defined).toContain(d.name);
      expect(virsh(uri, ['domuuid', '--', d.name]).trim()).toBe(d.uuid);
    }
    expect(virsh(uri, ['dumpxml', '--inactive', '--', 'wiz-win'])).toMatch(/<type arch='x86_64'[^>]*>hvm<\/type>/);
    expect(virsh(uri, ['dominfo', '--', 'wiz-web'])).toMatch(/Autostart:\s+enable/);
    const out = c.out();
    expect(out).toMatch(/Summary\n {2}1\. upgrade {2}done/);
    const oneLiner = out.split('The same, without the wizard (for the next host):\n  ')[1].trim();
    expect(oneLiner).toBe(`xend2libxl upgrade --xend-root ${root} --to '${uri}' --backup-dir ${backup} --yes --switch-command true`);
    expect(fs.existsSync(path.join(backup, 'journal.json'))).toBe(true);
  });
});
