import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../helpers/run-cli.js';
import { buildProgram } from '../../src/cli/main.js';

const commands = buildProgram({ stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 }).commands.map((c) => c.name());

describe('--help', () => {
  it('lists the global options on the root', async () => {
    const r = await runCli(['--help']);
    for (const flag of ['-v, --verbose', '-q, --quiet', '--log-file <file>', '--no-color', '--debug']) expect(r.stdout).toContain(flag);
    expect(r.stdout).toMatch(/Examples:\n {2}\$ xend2libxl inventory/);
  });

  it.each(commands)('%s --help shows real examples that start with the command itself', async (name) => {
    const r = await runCli([name, '--help']);
    expect(r.code).toBe(0);
    const examples = r.stdout.split('Examples:\n')[1];
    expect(examples, `${name} --help has no Examples section`).toBeDefined();
    const lines = examples.split('\n').filter((l) => l.startsWith('  $ '));
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(l).toMatch(new RegExp(`^ {2}\\$ (source <\\()?xend2libxl (.* )?${name}\\b`));
  });

  it('does not load ora or the prompts library (startup time)', () => {
    // A resolve hook in Node's loader thread reports every bare specifier the CLI imports.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-lazy-'));
    fs.writeFileSync(
      path.join(dir, 'hooks.mjs'),
      "import fs from 'node:fs';\nexport async function resolve(s, c, next) { if (!s.startsWith('.') && !s.startsWith('node:') && !s.startsWith('file:')) fs.writeSync(2, 'IMPORT ' + s + '\\n'); return next(s, c); }\n",
    );
    fs.writeFileSync(path.join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const r = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), binPath, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Positive control: the hook does see the CLI's real imports.
    expect(r.stderr).toContain('IMPORT commander');
    expect(r.stderr).not.toMatch(/IMPORT (ora|@inquirer)/);
  });
});
