// `xend2libxl parse`: in-process for behaviour, plus the real binary once for
// the field contract (stderr format, exit code, nothing on stdout).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin, runCli } from '../helpers/run-cli.js';
import { parseOptionSpecs } from '../../src/cli/commands/parse.js';
import { toArgv } from '../../src/cli/option-spec.js';

let dir: string;
const file = (name: string) => path.join(dir, name);

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xend2libxl-parse-'));
  fs.writeFileSync(file('small.sxp'), "(a 'b c' ())");
  fs.writeFileSync(file('domain.sxp'), "# saved by xend\n(domain (name web01)   (memory 512) (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro'))) (device (vbd (uname phy:/dev/vg0/web01) (dev xvda) (mode w))))\n");
  fs.writeFileSync(file('broken.sxp'), "(domain\n    (name 'web01)\n    (memory 512))\n");
  fs.writeFileSync(file('empty.sxp'), '# nothing but a comment\n');
  fs.writeFileSync(file('latin1.sxp'), Buffer.concat([Buffer.from("(domain (description '"), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from("'))")]));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('xend2libxl parse', () => {
  it('--json prints one JSON array of top-level forms per file', async () => {
    const r = await runCli(['parse', '--json', file('small.sxp'), file('domain.sxp')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0])).toEqual([['a', 'b c', []]]);
    expect(JSON.parse(lines[1])[0].slice(0, 3)).toEqual(['domain', ['name', 'web01'], ['memory', '512']]);
  });

  it("prints a file back in xend's layout without --json", async () => {
    const r = await runCli(['parse', file('domain.sxp')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        '(domain',
        '    (name web01)',
        '    (memory 512)',
        "    (image (linux (kernel /boot/vmlinuz) (args 'root=/dev/xvda1 ro')))",
        '    (device (vbd (uname phy:/dev/vg0/web01) (dev xvda) (mode w)))',
        ')',
        '',
      ].join('\n'),
    );
  });

  it('honours --width and labels each file with a # comment when there are several', async () => {
    const r = await runCli(['parse', '--width', '20', file('small.sxp'), file('small.sxp')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`# ${file('small.sxp')}\n(a 'b c' ())\n# ${file('small.sxp')}\n(a 'b c' ())\n`);
  });

  it('decodes non-UTF-8 files as latin-1', async () => {
    const r = await runCli(['parse', '--json', file('latin1.sxp')]);
    expect(JSON.parse(r.stdout)).toEqual([['domain', ['description', 'café']]]);
  });

  it('reports a syntax error as PATH:LINE:COL: error[CODE]: MESSAGE (as convert does), exit 1, nothing on stdout', async () => {
    const r = await runCli(['parse', file('broken.sxp')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`${file('broken.sxp')}:2:11: error[SXP_UNTERMINATED_STRING]: unterminated string: the ' opened here is never closed`);
    expect(r.stderr).not.toMatch(/\bat .*\.(ts|js):\d+/);
  });

  it('reports an empty file as "no configuration found"', async () => {
    const r = await runCli(['parse', file('empty.sxp')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file('empty.sxp')}:1:1: error[SXP_NO_CONFIGURATION]: no configuration found`);
  });

  it('processes every file and exits 1 if any failed', async () => {
    const r = await runCli(['parse', '--json', file('broken.sxp'), file('missing.sxp'), file('small.sxp')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('[["a","b c",[]]]\n');
    expect(r.stderr).toContain(`${file('broken.sxp')}:2:11: error[SXP_UNTERMINATED_STRING]:`);
    expect(r.stderr).toContain(`${file('missing.sxp')}: error[FILE_UNREADABLE]: cannot read file: no such file`);
  });

  it('resolves relative paths against the working directory and reports them as given', async () => {
    const r = await runCli(['parse', 'broken.sxp'], { cwd: dir });
    expect(r.stderr.split('\n')[0]).toMatch(/^broken\.sxp:2:11: error\[SXP_UNTERMINATED_STRING\]: /);
  });

  it('needs at least one file (usage error, exit 2)', async () => {
    const r = await runCli(['parse']);
    expect(r.code).toBe(2);
  });

  it('rejects a width that is not a whole number in range', async () => {
    const r = await runCli(['parse', '--width', 'wide', file('small.sxp')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--width');
  });

  it('declares its options once, so the equivalent command line can be printed', () => {
    expect(toArgv(parseOptionSpecs, { json: true, width: 80 })).toEqual(['--json', '--width', '80']);
    expect(toArgv(parseOptionSpecs, { json: false, width: 78 })).toEqual([]);
  });

  it('behaves the same as the installed binary', async () => {
    const bad = await runBin(['parse', file('broken.sxp')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr.split('\n')[0]).toBe(`${file('broken.sxp')}:2:11: error[SXP_UNTERMINATED_STRING]: unterminated string: the ' opened here is never closed`);
    const ok = await runBin(['parse', '--json', file('small.sxp')]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([['a', 'b c', []]]);
  });
});
