import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { buildProgram } from '../../src/cli/main.js';

/** Ask the generated bash function what it completes for a command line (last word = the one being completed). */
function bashComplete(script: string, words: string[]): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'x2l-comp-'));
  const file = path.join(dir, 'c.bash');
  fs.writeFileSync(file, script);
  const arr = words.map((w) => `'${w}'`).join(' ');
  const out = execFileSync('bash', ['-c', `source ${file}; COMP_WORDS=(${arr}); COMP_CWORD=${words.length - 1}; _xend2libxl; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    cwd: dir,
    encoding: 'utf8',
  });
  return out.split('\n').filter(Boolean);
}

describe('completion', () => {
  it('bash: a valid script offering every sub-command of the live program', async () => {
    const r = await runCli(['completion', 'bash']);
    expect(r.code).toBe(0);
    execFileSync('bash', ['-n'], { input: r.stdout });
    const names = buildProgram({ stdout: { write: () => 0 }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 }).commands.map((c) => c.name());
    expect(bashComplete(r.stdout, ['xend2libxl', ''])).toEqual(names);
    expect(bashComplete(r.stdout, ['xend2libxl', 'comp'])).toEqual(['completion']);
  });

  it('bash: completes global flags after a sub-command, and positional choices', async () => {
    const { stdout } = await runCli(['completion', 'bash']);
    expect(bashComplete(stdout, ['xend2libxl', 'wizard', '--log'])).toEqual(['--log-file']);
    expect(bashComplete(stdout, ['xend2libxl', 'completion', ''])).toEqual(['bash', 'zsh']);
  });

  it('bash: a global option with a value before the command does not hide the command (issue 13 item 18)', async () => {
    const { stdout } = await runCli(['completion', 'bash']);
    expect(bashComplete(stdout, ['xend2libxl', '--log-file', '/tmp/x.log', 'convert', '--st'])).toEqual(['--strict']);
    expect(bashComplete(stdout, ['xend2libxl', '-v', '--log-file', '/tmp/x.log', 'inventory', '--xend-r'])).toEqual(['--xend-root']);
    expect(bashComplete(stdout, ['xend2libxl', '--log-file', '/tmp/x.log', 'conv'])).toEqual(['convert']);
  });

  it('follows the program tree: a command added later appears without touching the generator', async () => {
    const ctx = { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => 0 }, env: {}, cwd: '/', exitCode: 0 };
    let out = '';
    const program = buildProgram(ctx);
    program.command('frobnicate').option('--turbo-level <n>', 'how much');
    await program.parseAsync(['completion', 'bash'], { from: 'user' });
    expect(bashComplete(out, ['xend2libxl', 'frob'])).toEqual(['frobnicate']);
    expect(bashComplete(out, ['xend2libxl', 'frobnicate', '--tur'])).toEqual(['--turbo-level']);
  });

  it('zsh: a #compdef script describing every command and flag', async () => {
    const r = await runCli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('#compdef xend2libxl\n')).toBe(true);
    expect(r.stdout).toContain("'completion:print a shell completion script");
    expect(r.stdout).toContain("'1:completion argument:(bash zsh)'");
    expect(r.stdout).toContain("'--log-file[append full detail");
  });

  it('rejects an unknown shell with exit 2', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh/);
  });
});
