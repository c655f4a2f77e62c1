/**
 * The wizard's third path on the rig's real daemons: a tiny QEMU guest running
 * on h1 is live-migrated to h2 (p2p), then the xend store's remaining domain is
 * upgraded onto h1's test driver. Other suites share the daemons, so only our
 * guest is ticked and asserted on.
 */
import { screen } from '@inquirer/testing/vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, capture, startWizard, until } from './flow.js';
import { announceSkip, ensureRig, libvirtSkipped, type Rig, type TestDriverHolder } from '../rig/rig.js';
import { removeEverywhere, startGuest, uniqueName, where } from '../migrate/rig-helpers.js';
import { names, purge } from '../upgrade/virsh.js';
import { suiteUuid, writeTree, type TreeDomain } from '../upgrade/xend-tree.js';

announceSkip('wizard evacuate end to end');

const stay: TreeDomain = { name: 'wiz-ev-stay', uuid: suiteUuid('e1e1', 1), kind: 'pv-kernel' };

describe.skipIf(libvirtSkipped)('wizard: evacuate, then upgrade, on the rig', () => {
  let rig: Rig;
  let holder: TestDriverHolder;
  let guest: string;
  /** A second guest of ours that stays: the plan must then name ours (migrate NAME), not evacuate everything. */
  let bystander: string;
  let work: string;
  let root: string;
  beforeAll(async () => {
    rig = await ensureRig();
    holder = await rig.testDriverHolder(rig.h1);
    purge(holder.uri, stay.name);
    guest = uniqueName('wiz');
    bystander = uniqueName('wiz-stay');
    await startGuest(rig, rig.h1, guest);
    await startGuest(rig, rig.h1, bystander);
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-ev-'));
    root = path.join(work, 'domains');
    writeTree(root, [stay]);
  });
  afterAll(async () => {
    if (rig && guest) await removeEverywhere(rig, [guest, bystander]);
    if (holder) purge(holder.uri, stay.name);
    await holder?.close();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('migrates the chosen guest to h2, then defines what stays, and prints both commands', async () => {
    const c = capture(work);
    const done = startWizard(c, { xendRoot: root, probeUri: [rig.h1.uri] });
    await answer('What should happen?', 'down', 'down', 'enter');
    await until('Which running domains should be live-migrated');
    screen.keypress('a'); // everything was ticked: untick all, then tick only ours
    const atGuest = () => screen.getScreen().split('\n').some((l) => l.startsWith(`❯◯ ${guest} `));
    for (let i = 0; i < 40 && !atGuest(); i++) screen.keypress('down');
    expect(atGuest(), screen.getScreen()).toBe(true);
    screen.keypress('space');
    screen.keypress('enter');
    await answer('Destination host', { type: rig.h2.tcpUri }, 'enter');
    await answer('Migrations at once?', 'enter');
    await answer('Backup and journal directory?', { type: path.join(work, 'backup') }, 'enter');
    await answer('Which connection shows the domains xend runs now', 'down', 'enter');
    await answer('Define the domains on which libvirt connection', 'down', 'enter');
    await answer('libvirt URI:', { type: holder.uri }, 'enter');
    await answer('shut down', 'enter');
    await answer('Domains to handle at once?', 'enter');
    await answer('How is the toolstack switched', 'down', 'enter');
    await answer('Switch command', { type: 'true' }, 'enter');
    await until('Type the host name', 120_000);
    const plan = c.out();
    expect(plan).toContain(`1. live-migrate ${guest} from ${rig.h1.uri} to ${rig.h2.tcpUri}`);
    expect(plan).toContain(`${guest}: not in the xend store; after migration it is defined only on ${rig.h2.tcpUri}`);
    expect(plan).toContain(`${bystander} stays on this host and is not in the xend store: the upgrade leaves it alone`);
    expect(plan).toContain(`$ xend2libxl migrate --dry-run --from '${rig.h1.uri}' --to ${rig.h2.tcpUri} -- ${guest}`);
    expect((await where(rig.h1, guest)).state).toBe('running');

    screen.type(os.hostname());
    screen.keypress('enter');
    expect(await done, c.err()).toBe(0);
    expect(await where(rig.h2, guest)).toEqual({ state: 'running', persistent: true });
    expect((await where(rig.h1, guest)).state).toBe('absent');
    expect((await where(rig.h1, bystander)).state).toBe('running');
    expect(names(holder.uri)).toContain(stay.name);
    const out = c.out();
    expect(out).toMatch(/Summary\n {2}1\. migrate {2}done\n {2}2\. upgrade {2}done/);
    expect(out).toContain(`xend2libxl migrate --from '${rig.h1.uri}' --to ${rig.h2.tcpUri} -- ${guest} && xend2libxl upgrade --xend-root ${root}`);
  }, 300_000);
});
