// `convert FILE.cfg` and a directory of .cfg files (auto/ links not taken twice), through the same batch path as .sxp inputs.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { convertFile } from '../../src/batch/convert-file.js';
import { runCli } from '../helpers/run-cli.js';

const FIX = path.join(process.cwd(), 'fixtures', 'xmcfg');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'xmcfg-cli-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('convert with xm/xl configs', () => {
  it('converts one .cfg, printing the derived uuid and where it came from', async () => {
    const out = tmp();
    const r = await runCli(['convert', path.join(FIX, 'pv-web-pygrub.cfg'), '-o', out]);
    expect(r.code).toBe(0);
    const xml = readFileSync(path.join(out, 'web01.xml'), 'utf8');
    const uuid = /<uuid>([^<]+)<\/uuid>/.exec(xml)?.[1];
    expect(r.stderr).toContain(`pv-web-pygrub.cfg:7:1: warning[UUID_DERIVED]: the config has no uuid (xm and xl make up a new one at every start); using ${uuid}, derived from the path ${FIX}/pv-web-pygrub.cfg and name 'web01'`);
    // A re-run gives the same uuid.
    const again = tmp();
    await runCli(['convert', path.join(FIX, 'pv-web-pygrub.cfg'), '-o', again, '-q']);
    expect(readFileSync(path.join(again, 'web01.xml'), 'utf8')).toBe(xml);
  });

  it('refuses the Python config with FILE:LINE:COL and the dryrun hint; exit 1', async () => {
    const r = await runCli(['convert', path.join(FIX, 'python-code.cfg'), '-o', tmp(), '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${FIX}/python-code.cfg:2:1: error[XMCFG_PYTHON_CODE]: a Python 'import' statement`);
    expect(r.stderr).toContain(`xm create --quiet --dryrun ${FIX}/python-code.cfg > python-code.sxp`);
  });

  it('walks a directory: every .cfg once (auto/ links skipped), extension-less and non-config files left out', async () => {
    const out = tmp();
    const r = await runCli(['convert', path.join(FIX, 'host', 'etc', 'xen'), '-o', out, '-q']);
    expect(r.code).toBe(1);
    expect(readdirSync(out).filter((f) => f.endsWith('.xml')).sort()).toEqual(['build.xml', 'mail.xml', 'web.xml']);
    expect(r.stderr).toContain('db01.cfg:2:1: error[XMCFG_PYTHON_CODE]');
  });

  it('reads an input not named .cfg that reads like one (/etc/xen/win, standard input) as an xm config, SXP otherwise', () => {
    const win = convertFile(path.join(FIX, 'host/etc/xen/win'), { cwd: process.cwd() });
    expect(win.error).toBeUndefined();
    expect(win.domain).toMatchObject({ name: 'win', type: 'hvm' });
    const stdin = convertFile('-', { cwd: process.cwd(), stdin: Buffer.from('# from a pipe\nname = "piped"\nmemory = 64\nbootloader = "pygrub"\n') });
    expect(stdin.domain?.name).toBe('piped');
    expect(stdin.warnings.find((w) => w.code === 'UUID_DERIVED')?.message).toContain("derived from the name 'piped' (no file path)");
    expect(convertFile(path.join(FIX, 'python-code.dryrun.sxp'), { cwd: process.cwd() }).domain?.name).toBe('db01');
  });
});
