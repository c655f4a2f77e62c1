/**
 * Issue 13, what a hostile input or a careless path did to convert and parse:
 * control characters forging lines (item 3), FIFOs, /dev/zero and huge files
 * (items 5, 6), raw Node errors and wrong hints (item 19), standard input
 * (item 22) and multi-domain `xm list -l` dumps (item 21).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { configOf, manyDomainsText, UUIDS, useTempDirs } from '../batch/fixture-paths.js';
import { binPath, runBin, runCli } from '../helpers/run-cli.js';

const tmp = useTempDirs();

/** Values that carry ESC sequences and a newline followed by a whole forged diagnostic. */
const HOSTILE = [
  '(domain',
  '  (name hostile)',
  '  (uuid 11111111-2222-4333-8444-555555555555)',
  '  (memory 128)',
  '  (bootloader /usr/bin/pygrub)',
  '  ("evil\\x1b[31m\\nforged.sxp:1:1: error[FORGED]: pwned-key" 1)',
  '  (on_poweroff "destroy\\x1b[2J\\nforged.sxp:2:2: error[FORGED]: pwned-lifecycle")',
  '  (device (vbd (uname "drbd:r0\\x1b]0;title\\x07\\nforged.sxp:3:3: error[FORGED]: pwned-disk") (dev xvda) (mode w)))',
  ')',
].join('\n');

/** Every line on stderr is one of ours: a diagnostic, a hint, a timestamped progress line. */
const OUR_LINE = /^(\S+:\d+:\d+: (warning|error)\[[A-Z0-9_]+\]: |hint: |\d\d:\d\d:\d\d |xend2libxl: error: )/;

function expectNoForgery(text: string): void {
  expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
  for (const line of text.split('\n').filter(Boolean)) {
    expect(line.startsWith('forged.sxp')).toBe(false);
    expect(line).not.toMatch(/^\s*forged\.sxp:\d+:\d+: error/);
  }
}

describe('item 3: config values cannot inject into the terminal', () => {
  it('convert: keys, lifecycle values and disk paths are shown escaped, one line per diagnostic', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'hostile.sxp'), HOSTILE);
    const r = await runCli(['convert', 'hostile.sxp', '-o', 'out'], { cwd: dir });
    expect(r.code).toBe(1);
    expectNoForgery(r.stderr);
    for (const line of r.stderr.split('\n').filter(Boolean)) expect(line).toMatch(OUR_LINE);
    // The values are still there for the admin to read, escaped.
    expect(r.stderr).toMatch(/hostile\.sxp:6:3: warning\[UNKNOWN_KEY\]: .*evil\\x1b\[31m\\nforged\.sxp:1:1/);
    expect(r.stderr).toMatch(/error\[INVALID_LIFECYCLE_ACTION\]: .*destroy\\x1b\[2J\\nforged/);
  });

  it('inventory: the table and the problem lines carry no raw control character either', async () => {
    const root = tmp();
    const uuid = '11111111-2222-4333-8444-555555555555';
    execFileSync('mkdir', ['-p', path.join(root, uuid)]);
    writeFileSync(path.join(root, uuid, 'config.sxp'), HOSTILE);
    const r = await runCli(['inventory', '--xend-root', root, '-q']);
    expect(r.code).toBe(1);
    expectNoForgery(r.stdout);
    expectNoForgery(r.stderr);
  });

  it('parse: a syntax error quoting a hostile token stays one line', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'bad\x1b[31m\nforged.sxp:1:1: error: x.sxp'), '(a "unterminated');
    const r = await runCli(['parse', 'bad\x1b[31m\nforged.sxp:1:1: error: x.sxp'], { cwd: dir });
    expect(r.code).toBe(1);
    expectNoForgery(r.stderr);
    expect(r.stderr.split('\n')[0]).toMatch(/^bad\\x1b\[31m\\nforged\.sxp:1:1: error: x\.sxp:1:4: error\[SXP_UNTERMINATED_STRING\]: /);
  });
});

describe('items 5, 6: only regular files of at most 16 MiB are read', () => {
  it('convert and parse refuse a FIFO at once (no writer ever opens it) and a link to /dev/zero', async () => {
    const dir = tmp();
    execFileSync('mkfifo', [path.join(dir, 'fifo.sxp')]);
    symlinkSync('/dev/zero', path.join(dir, 'zero.sxp'));
    // The built binary: a blocked read would hang the child until the timeout, not this test runner.
    const conv = await runBin(['convert', 'fifo.sxp', 'zero.sxp', '-o', 'out', '--json'], { cwd: dir, timeoutMs: 30_000 });
    expect(conv.code).toBe(1);
    const errors = JSON.parse(conv.stdout).results.map((x: { error: { code: string; message: string } }) => [x.error.code, x.error.message]);
    expect(errors).toEqual([
      ['INPUT_UNREADABLE', 'input is a FIFO (named pipe), not a regular file'],
      ['INPUT_UNREADABLE', 'input is a character device, not a regular file'],
    ]);
    const parse = await runBin(['parse', 'fifo.sxp', 'zero.sxp'], { cwd: dir, timeoutMs: 30_000 });
    expect(parse.code).toBe(1);
    expect(parse.stderr).toContain('fifo.sxp: error[FILE_NOT_REGULAR]: file is a FIFO (named pipe), not a regular file');
    expect(parse.stderr).toContain('zero.sxp: error[FILE_NOT_REGULAR]: file is a character device, not a regular file');
  });

  it('a FIFO named config.sxp inside a walked tree is one failed input, the others convert', async () => {
    const dir = tmp();
    execFileSync('mkdir', ['-p', path.join(dir, 'domains/a'), path.join(dir, 'domains/b')]);
    execFileSync('mkfifo', [path.join(dir, 'domains/a/config.sxp')]);
    writeFileSync(path.join(dir, 'domains/b/config.sxp'), readFileSync(configOf(UUIDS.web01)));
    const r = await runBin(['convert', 'domains', '-o', 'out', '--json'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout).results.map((x: { source: string; ok: boolean }) => [x.source, x.ok]);
    expect(results).toEqual([
      ['domains/a/config.sxp', false],
      ['domains/b/config.sxp', true],
    ]);
  });

  it('the 16 MiB cap at its edge: exactly 16 MiB converts, one byte more is refused with a clear error', async () => {
    const dir = tmp();
    const text = readFileSync(configOf(UUIDS.web01), 'utf8');
    const pad = (size: number) => text + '#'.repeat(size - Buffer.byteLength(text) - 1) + '\n';
    writeFileSync(path.join(dir, 'edge.sxp'), pad(16 * 1024 * 1024));
    writeFileSync(path.join(dir, 'over.sxp'), pad(16 * 1024 * 1024 + 1));
    const edge = await runCli(['convert', 'edge.sxp'], { cwd: dir });
    expect(edge.code).toBe(0);
    expect(edge.stdout).toContain('<name>web01</name>');
    const over = await runCli(['convert', 'over.sxp'], { cwd: dir });
    expect(over.code).toBe(1);
    expect(over.stderr).toBe(
      'over.sxp: error[INPUT_UNREADABLE]: input is larger than 16 MiB, far more than any domain config\n' +
        'hint: a xend config.sxp is a few KiB: check that this is the right file (not a disk image or a log)\n',
    );
  });

  it('SIGTERM still ends `convert -` waiting on a standard input that never ends', async () => {
    const child = spawn(process.execPath, [binPath, 'convert', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    // Started: the process is waiting for input (nothing is ever written, the pipe stays open).
    await new Promise((go) => setTimeout(go, 500));
    child.kill('SIGTERM');
    const [code, signal] = await new Promise<[number | null, string | null]>((go) => child.on('exit', (c, s) => go([c, s])));
    expect(code === 143 || code === 130 || signal === 'SIGTERM').toBe(true);
  });
});

describe('item 19: errors say what, where and what to do', () => {
  it('convert of a path that does not exist creates nothing (not even OUTDIR) and says so plainly', async () => {
    const dir = tmp();
    const r = await runCli(['convert', '/nonexistent.sxp', '-o', 'outx'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(existsSync(path.join(dir, 'outx'))).toBe(false);
    expect(r.stderr).toBe("xend2libxl: error: no such file or directory: /nonexistent.sxp\nhint: check the path; xend's domain configs are in /var/lib/xend/domains/<uuid>/config.sxp\n");
  });

  it('one directory without -o is named as such, not as "several inputs"', async () => {
    const dir = tmp();
    const r = await runCli(['convert', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${dir} is a directory: its configs need an output directory`);
    expect(r.stderr).not.toContain('several inputs');
  });

  it('no raw ENOTDIR/ENOENT texts: --xend-root a file, --xend-config missing', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'file'), '');
    const a = await runCli(['inventory', '--xend-root', path.join(dir, 'file')]);
    expect(a.stderr).toContain('the xend domain directory is not a directory');
    const b = await runCli(['convert', configOf(UUIDS.web01), '--xend-config', path.join(dir, 'nope.sxp')]);
    expect(b.stderr).toContain(`cannot read xend configuration: no such file (${path.join(dir, 'nope.sxp')})`);
    for (const r of [a, b]) {
      expect(r.stderr).not.toMatch(/ENOTDIR|ENOENT|scandir|, open '/);
      expect(r.stderr).toMatch(/\nhint: /);
    }
  });
});

describe('item 22: - reads standard input', () => {
  async function withStdin(argv: string[], input: string, cwd?: string) {
    let stdout = '';
    let stderr = '';
    const ctx: CliContext = {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      stdin: Readable.from([Buffer.from(input)]),
      env: { PATH: process.env.PATH },
      cwd: cwd ?? process.cwd(),
      exitCode: 0,
    };
    return { code: await main(argv, ctx), stdout, stderr };
  }

  it('convert - prints the XML; diagnostics name <stdin>', async () => {
    const r = await withStdin(['convert', '-'], readFileSync(configOf(UUIDS.win2k8), 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<name>win2k8</name>');
    expect(r.stderr).toMatch(/^<stdin>:13:20: warning\[SHADOW_MEMORY_AUTO\]/);
  });

  it('parse - reads it too; `-` twice is a usage error', async () => {
    expect((await withStdin(['parse', '--json', '-'], '(a b)')).stdout).toBe('[["a","b"]]\n');
    expect((await withStdin(['convert', '-', '-', '-o', tmp()], '(a b)')).code).toBe(2);
  });
});

describe('item 21: a multi-domain `xm list -l` dump converts every domain', () => {
  const dump = () => {
    const dom0 = '(domain (domid 0) (name Domain-0) (uuid 00000000-0000-0000-0000-000000000000) (memory 1024))\n';
    return dom0 + [1, 2, 3].map((i) => manyDomainsText(i).text).join('\n');
  };

  it('-o writes one <name>.xml per guest (dom0 left out), names from the domains', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'dump.sxp'), dump());
    const r = await runCli(['convert', 'dump.sxp', '-o', 'out', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout);
    expect(rep.results.map((x: { source: string; domain: { name: string } }) => [x.source, x.domain.name])).toEqual([
      ['dump.sxp', 'web00001'],
      ['dump.sxp', 'web00002'],
      ['dump.sxp', 'web00003'],
    ]);
    expect(rep.summary).toMatchObject({ inputs: 3, converted: 3, written: 3 });
    expect(readdirSync(path.join(dir, 'out')).sort()).toEqual(['web00001.xml', 'web00002.xml', 'web00003.xml']);
  });

  it('two domains of one name: the second is an OUTPUT_NAME_CLASH, nothing overwritten', async () => {
    const dir = tmp();
    const one = manyDomainsText(1).text;
    writeFileSync(path.join(dir, 'dump.sxp'), one + '\n' + one.replace(/\(uuid [^)]+\)/, '(uuid 3f2a1c7e-5b8d-4e21-9a6f-0000000000ff)'));
    const r = await runCli(['convert', 'dump.sxp', '-o', 'out', '--json'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).results.map((x: { error: { code: string } | null }) => x.error?.code ?? 'ok')).toEqual(['ok', 'OUTPUT_NAME_CLASH']);
  });

  it('without -o only one XML can be printed: the others fail with what to do', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'dump.sxp'), dump());
    const r = await runCli(['convert', 'dump.sxp'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout.match(/<domain /g)).toHaveLength(1);
    expect(r.stderr).toContain('dump.sxp: error[INPUT_HOLDS_SEVERAL_DOMAINS]: dump.sxp holds 3 domains; only the first was printed');
  });
});
