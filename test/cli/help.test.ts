import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binPath, runCli } from '../helpers/run-cli.js';
import { buildProgram } from '../../src/cli/main.js';
import { COMMANDS, defineAllCommands } from '../../src/cli/commands/index.js';

/** Split a command line like a POSIX shell does for the quoting our examples use ('…' and "…"). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  let cur = '';
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last && cur) {
      words.push(cur);
      cur = '';
    }
    cur += m[1] ?? m[2] ?? m[3];
    last = re.lastIndex;
  }
  if (cur) words.push(cur);
  return words;
}

const commands = buildProgram({ stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 }).commands.map((c) => c.name());

describe('--help', () => {
  it('lists each command as its loaded definition would (the root help does not load them)', async () => {
    const ctx = { stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 };
    const program = buildProgram(ctx);
    const { Help } = await import('commander');
    const placeholders = program.commands.map((c) => new Help().subcommandTerm(c));
    await defineAllCommands(program, ctx);
    const terms = program.commands.map((c) => new Help().subcommandTerm(c));
    expect(COMMANDS.map((e) => e.term)).toEqual(terms);
    // Undefined, a command has no options or arguments of its own: the table is what the root help shows.
    expect(placeholders).toEqual(COMMANDS.map((e) => e.name));
  });

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

  it('every example parses: real commands, real flags, valid values', async () => {
    const { examplesFor } = await import('../../src/ui/help-examples.js');
    const { Command } = await import('commander');
    const lines = ['xend2libxl', ...commands].flatMap((n) => (examplesFor(n) ?? '').split('\n').filter((l) => l.startsWith('  $ ')));
    expect(lines.length).toBeGreaterThan(15);
    for (const line of lines) {
      const argv = shellWords(line.slice(4).replace(/\s+#\s.*$/, '').replace(/^source <\((.*)\)$/, '$1').replace(/\s+(\||>).*$/, '')).slice(1);
      let err = '';
      const ctx = { stdout: { write: () => 0 }, stderr: { write: (t: string) => (err += t) }, env: {}, cwd: '/', exitCode: 0 };
      const program = buildProgram(ctx);
      await defineAllCommands(program, ctx);
      // Parse only: every action replaced by a no-op, so commander's own checks (unknown flags, choices, arguments) decide.
      const stub = (c: InstanceType<typeof Command>) => {
        c.action(() => undefined);
        c.commands.forEach(stub);
      };
      program.commands.forEach(stub);
      program.hook('preAction', () => undefined);
      await expect(program.parseAsync(argv, { from: 'user' }), `${line}\n${err}`).resolves.toBeDefined();
    }
  });

  it('does not load ora, the prompts library or any command definition (startup time)', () => {
    // A resolve hook in Node's loader thread reports every ES module specifier the CLI imports
    // (ora and @inquirer/* are ES modules only, so an import of either would show).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-lazy-'));
    fs.writeFileSync(
      path.join(dir, 'hooks.mjs'),
      "import fs from 'node:fs';\nexport async function resolve(s, c, next) { if (!s.startsWith('node:')) fs.writeSync(2, 'IMPORT ' + s + '\\n'); return next(s, c); }\n",
    );
    fs.writeFileSync(path.join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
    const r = spawnSync(process.execPath, ['--import', path.join(dir, 'register.mjs'), binPath, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    // Positive control: the hook does see the CLI's real imports.
    expect(r.stderr).toContain('IMPORT ./commands/index.js');
    expect(r.stderr).not.toMatch(/IMPORT (ora|@inquirer)/);
    // The root help lists the commands from their table; their definition modules stay unloaded.
    expect(r.stderr).not.toMatch(/IMPORT \.\/(parse|convert|inventory|upgrade|migrate|evacuate|wizard|completion)\.js/);
  });
});
