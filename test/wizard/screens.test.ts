/** Each wizard screen rendered with @inquirer/testing: what it shows, keypresses, validation errors. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkbox, input, select } from '@inquirer/prompts';
import { render } from '@inquirer/testing';
import { describe, expect, it } from 'vitest';
import type { InventoryEntry } from '../../src/inventory/types.js';
import { domainPrompt, firstClause, runningGuestPrompt } from '../../src/wizard/screens/domains.js';
import { pathPrompt } from '../../src/wizard/screens/path.js';
import { xendRootPrompt } from '../../src/wizard/screens/host.js';
import { hostNamePrompt } from '../../src/wizard/screens/confirm.js';
import type { HostFacts } from '../../src/wizard/types.js';
import { backupDir, libvirtUri, outputDir, wholeNumberIn } from '../../src/wizard/screens/validate.js';

/** Async validation (fs.stat) can take more than one render to show. */
async function untilScreen(getScreen: () => string, nextRender: () => Promise<void>, text: string): Promise<void> {
  for (let i = 0; i < 20 && !getScreen().includes(text); i++) await Promise.race([nextRender(), new Promise((r) => setTimeout(r, 50))]);
  expect(getScreen()).toContain(text);
}

function entry(name: string, over: Partial<InventoryEntry> = {}): InventoryEntry {
  return {
    path: `/var/lib/xend/domains/${name}/config.sxp`,
    directoryUuid: `uuid-${name}`,
    name,
    type: 'pv',
    memoryMiB: 512,
    vcpus: 1,
    disks: [],
    macs: [],
    state: 'halted',
    status: 'ok',
    problems: [],
    ...over,
  };
}

const entries = [
  entry('web01'),
  entry('mail01', { state: 'suspended', status: 'warning', problems: [{ code: 'INV_CHECKPOINT', severity: 'warning', message: 'xend suspended this domain; run xm resume first' }] }),
  entry('ldap01', { status: 'error', problems: [{ code: 'INV_TRUNCATED', severity: 'error', message: 'config.sxp ends inside an open list' }] }),
];

const facts = (over: Partial<HostFacts> = {}): HostFacts => ({
  hostname: 'dom0-a',
  xendRoot: '/var/lib/xend/domains',
  xendRootExists: true,
  uris: [{ uri: 'xen:///system', ok: true, running: ['web01'] }],
  ...over,
});

describe('domain screen', () => {
  it('shows each domain with its problems inline and disables the ones that cannot be converted', async () => {
    const { answer, events, getScreen } = await render(checkbox, domainPrompt(entries));
    const screen = getScreen();
    expect(screen).toContain('web01  (PV, 512 MiB, 1 vCPU, halted)');
    expect(screen).toContain('⚠ INV_CHECKPOINT: xend suspended this domain');
    expect(screen).toMatch(/ldap01[\s\S]*INV_TRUNCATED[\s\S]*cannot convert: INV_TRUNCATED/);
    events.keypress('enter');
    await expect(answer).resolves.toEqual([entries[0].path, entries[1].path]);
  });

  it('refuses an empty selection with a message', async () => {
    const { answer, events, getScreen, nextRender } = await render(checkbox, domainPrompt(entries));
    events.keypress('a'); // all selectable are checked: "a" unchecks them all
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain('pick at least one domain, or press Ctrl-C to stop here');
    events.keypress('space'); // the cursor is on web01
    events.keypress('enter');
    await expect(answer).resolves.toEqual([entries[0].path]);
  });

  it('running guests for evacuation: names not in the store are flagged', async () => {
    const { answer, events, getScreen } = await render(checkbox, runningGuestPrompt(['web01', 'adhoc'], entries));
    expect(getScreen()).toContain('adhoc  (not in the xend store: created with xm create?)');
    events.keypress('enter');
    await expect(answer).resolves.toEqual(['web01', 'adhoc']);
  });

  it('keeps only the gist of long problem texts', () => {
    expect(firstClause('disk x is shared; never start both')).toBe('disk x is shared');
    expect(firstClause('a'.repeat(100), 10)).toBe(`${'a'.repeat(9)}…`);
  });
});

describe('path screen', () => {
  it('offers three paths and picks with arrow keys', async () => {
    const { answer, events, getScreen } = await render(select, pathPrompt(facts()));
    expect(getScreen()).toMatch(/❯ Convert only\n {2}In-place upgrade\n {2}Evacuate, then upgrade/);
    expect(getScreen()).toContain('nothing on this host changes');
    events.keypress('down');
    expect(getScreen()).toContain('back up, shut down, switch xend → libvirt/libxl');
    events.keypress('enter');
    await expect(answer).resolves.toBe('upgrade');
  });

  it('disables upgrade paths without a xend store, and evacuation without running guests, saying why', async () => {
    const noStore = await render(select, pathPrompt(facts({ xendRootExists: false })));
    expect(noStore.getScreen()).toMatch(/In-place upgrade \(needs the xend store\)/);
    const idle = await render(select, pathPrompt(facts({ uris: [{ uri: 'xen:///system', ok: false, running: [], error: 'no daemon' }] })));
    expect(idle.getScreen()).toMatch(/Evacuate, then upgrade \(no libvirt connection here shows running guests\)/);
    idle.events.keypress('down');
    idle.events.keypress('down');
    // The cursor may rest on the disabled entry (its description explains it) but Enter does not pick it.
    idle.events.keypress('enter');
    expect(idle.getScreen()).toMatch(/❯ Evacuate, then upgrade/);
    idle.events.keypress('up');
    idle.events.keypress('enter');
    await expect(idle.answer).resolves.toBe('upgrade');
  });
});

describe('host screen: xend store prompt', () => {
  it('rejects a missing directory, accepts an existing one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-'));
    const { answer, events, getScreen, nextRender } = await render(input, xendRootPrompt(dir));
    events.type('nope');
    events.keypress('enter');
    await untilScreen(getScreen, nextRender, 'nope does not exist');
    for (let i = 0; i < 4; i++) events.keypress('backspace');
    events.type(dir);
    events.keypress('enter');
    await expect(answer).resolves.toBe(dir);
  });
});

describe('confirmation screen', () => {
  it('needs the exact host name', async () => {
    const { answer, events, getScreen, nextRender } = await render(input, hostNamePrompt('dom0-a'));
    expect(getScreen()).toContain('This changes dom0-a. Type the host name to run the plan');
    events.type('dom0-b');
    events.keypress('enter');
    await nextRender();
    expect(getScreen()).toContain("that is not this host's name (dom0-a)");
    events.keypress('backspace');
    events.type('a');
    events.keypress('enter');
    await expect(answer).resolves.toBe('dom0-a');
  });
});

describe('option validators (same limits as the flags)', () => {
  it('whole numbers in range', () => {
    const v = wholeNumberIn('parallelism', 1, 64);
    expect(v('4')).toBe(true);
    expect(v('0')).toBe('parallelism must be between 1 and 64');
    expect(v('2.5')).toBe('parallelism needs a whole number');
  });
  it('libvirt URIs', () => {
    expect(libvirtUri('xen+ssh://dom0-b/system')).toBe(true);
    expect(libvirtUri('test:///default')).toBe(true);
    expect(libvirtUri('dom0-b')).toMatch(/is not a libvirt URI/);
  });
  it('backup directory: absolute, not a symlink, a directory if it exists', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-'));
    fs.symlinkSync(dir, path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'file'), '');
    expect(backupDir(path.join(dir, 'new'))).toBe(true);
    expect(backupDir('relative/dir')).toMatch(/absolute path/);
    expect(backupDir(path.join(dir, 'link'))).toMatch(/is a symlink/);
    expect(backupDir(path.join(dir, 'file'))).toMatch(/not a directory/);
  });
  it('output directory: new or empty', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-'));
    fs.mkdirSync(path.join(dir, 'full'));
    fs.writeFileSync(path.join(dir, 'full', 'a.xml'), '');
    const v = outputDir(dir);
    expect(v('out')).toBe(true);
    expect(v('full')).toMatch(/is not empty/);
  });
});
