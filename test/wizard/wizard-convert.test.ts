/**
 * The whole wizard over the fixture xend store, convert-only path: real
 * detection (libvirt's test:///default driver answers), real inventory, the
 * real convert command run through the CLI, files on disk.
 */
import { screen } from '@inquirer/testing/vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { answer, capture, startWizard, until } from './flow.js';
import { repoRoot } from '../helpers/run-cli.js';

const root = path.join(repoRoot, 'fixtures/xend-root/var/lib/xend/domains');
const xendConfig = path.join(repoRoot, 'fixtures/xend-root/etc/xen/xend-config.sxp');

describe('wizard: convert only, end to end', () => {
  it('shows host, inventory and plan, converts the chosen domains and prints the equivalent command', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-conv-'));
    const c = capture(work);
    const done = startWizard(c, { xendRoot: root, xendConfig, probeUri: ['test:///default'] });

    await answer('What should happen?', 'enter');
    const domains = await until('Which domains?');
    expect(domains).toMatch(/build01[^\n]*\n[^\n]*INV_UUID_MISMATCH[\s\S]*cannot convert: INV_UUID_MISMATCH/);
    expect(domains).toMatch(/mail01[^\n]*\n[^\n]*⚠ INV_CHECKPOINT/);
    // Keep only web01 and db01: invert the default selection, then pick by moving down.
    screen.keypress('i');
    expect(screen.getScreen()).not.toContain('◉');
    for (const name of ['web01', 'db01']) {
      const atName = () => screen.getScreen().split('\n').some((l) => l.startsWith(`❯◯ ${name} `));
      for (let i = 0; i < 30 && !atName(); i++) screen.keypress('down');
      expect(atName()).toBe(true);
      screen.keypress('space');
    }
    screen.keypress('enter');
    await answer('Write the XML files to which directory?', { type: 'out' }, 'enter');
    await answer('warnings as failures', 'enter');
    await answer('Run the plan now?', 'enter');
    expect(await done).toBe(0);

    const out = c.out();
    expect(out).toContain('Host ');
    expect(out).toMatch(/libvirt {5}test:\/\/\/default {2}answers, 1 running: test/);
    expect(out).toContain('12 domains in');
    expect(out).toMatch(/Plan\n {2}1\. write 2 libvirt domain XML file\(s\) to out\n/);
    const oneLiner = out.split('The same, without the wizard (for the next host):\n  ')[1]?.trim();
    expect(oneLiner).toBe(
      `xend2libxl convert --out-dir out --xend-config ${xendConfig} -- ${root}/3f2a1c7e-5b8d-4e21-9a6f-0c1d2e3f4a51/config.sxp ${root}/8c41d2b0-6e7f-4a93-b512-77e0c3d9f102/config.sxp`,
    );
    expect(fs.readdirSync(path.join(work, 'out')).sort()).toEqual(['db01.xml', 'web01.xml']);
    expect(fs.readFileSync(path.join(work, 'out', 'web01.xml'), 'utf8')).toContain('<domain type="xen">');
  });

  it('Ctrl-C at a prompt rejects with the prompt-exit error the CLI maps to 130, before anything ran', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-wz-conv-'));
    const c = capture(work);
    const done = startWizard(c, { xendRoot: root, xendConfig, probeUri: ['test:///default'] });
    await answer('What should happen?', 'enter');
    await answer('Which domains?', 'enter');
    await until('Write the XML files');
    screen.keypress({ name: 'c', ctrl: true });
    await expect(done).rejects.toMatchObject({ name: 'ExitPromptError' });
    expect(fs.readdirSync(work)).toEqual([]);
    expect(c.out()).not.toContain('$ xend2libxl convert');
  });
});
