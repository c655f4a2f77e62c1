import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { convertOptionSpecs } from '../../src/cli/commands/convert.js';
import { toArgv } from '../../src/cli/option-spec.js';
import { configOf, domainsFixtureRel, tempDir, UUIDS, xendConfigFixture } from '../batch/fixture-paths.js';
import { runBin, runCli } from '../helpers/run-cli.js';

const rel = (dir: string) => `${domainsFixtureRel}/${dir}/config.sxp`;
const DIAG = /^(\S+):(\d+):(\d+): warning\[([A-Z0-9_]+)\]: .+$/;

describe('convert FILE (stdout)', () => {
  it('prints the domain XML on stdout and nothing on stderr for a clean config', async () => {
    const r = await runCli(['convert', rel(UUIDS.web01)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(r.stdout);
    expect(doc.domain.name).toBe('web01');
    expect(doc.domain.uuid).toBe(UUIDS.web01);
  });

  it('prints warnings as PATH:LINE:COL: warning[CODE]: message on stderr, XML still on stdout', async () => {
    const r = await runCli(['convert', rel(UUIDS.win2k8)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('<name>win2k8</name>');
    const lines = r.stderr.trim().split('\n');
    expect(lines.map((l) => DIAG.exec(l)?.slice(1))).toEqual([
      [rel(UUIDS.win2k8), '13', '20', 'SHADOW_MEMORY_AUTO'],
      [rel(UUIDS.win2k8), '25', '27', 'QEMU_TRADITIONAL_REPLACED'],
    ]);
  });

  it('--strict turns warnings into exit 1 and prints no XML', async () => {
    const r = await runCli(['convert', '--strict', rel(UUIDS.win2k8)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/error\[STRICT_WARNINGS\]: 2 warnings and --strict/);
  });

  it('applies the source host\'s xend-config.sxp defaults with --xend-config', async () => {
    const r = await runCli(['convert', rel(UUIDS.win2k8), '--xend-config', xendConfigFixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/<graphics type="vnc"[^>]* keymap="de" passwd="xenvnc-default"/);
  });

  it('fails a broken file with its position and exit 1', async () => {
    const r = await runCli(['convert', rel(UUIDS.ldap01)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${rel(UUIDS.ldap01)}:16:46: error\\[SXP_UNEXPECTED_EOF\\]: `, 'm'));
  });

  it('--json prints the report shape of issue 3', async () => {
    const r = await runCli(['convert', '--json', rel(UUIDS.win2k8), rel(UUIDS.ldap01)]);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report)).toEqual(['results', 'summary']);
    const [ok, bad] = report.results;
    expect(Object.keys(ok)).toEqual(['source', 'ok', 'domain', 'xml', 'output', 'warnings', 'error']);
    expect(ok).toMatchObject({ source: rel(UUIDS.win2k8), ok: true, domain: { name: 'win2k8', uuid: UUIDS.win2k8, autostart: true, type: 'hvm' }, output: null, error: null });
    expect(ok.xml).toContain('<domain type="xen">');
    expect(ok.warnings[0]).toEqual({ code: 'SHADOW_MEMORY_AUTO', message: expect.any(String), line: 13, column: 20 });
    expect(bad).toMatchObject({ ok: false, domain: null, xml: null, error: { code: 'SXP_UNEXPECTED_EOF', line: 16, column: 46 } });
    expect(report.summary).toMatchObject({ inputs: 2, converted: 1, failed: 1, withWarnings: 1, warnings: 2, written: 0, interrupted: false });
  });

  it('refuses several inputs without -o or --json (exit 2, nothing done)', async () => {
    const r = await runCli(['convert', rel(UUIDS.web01), rel(UUIDS.db01)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('several inputs need an output directory');
    expect((await runCli(['convert', domainsFixtureRel])).code).toBe(2);
    expect((await runCli(['convert', '--jobs', '0', rel(UUIDS.web01)])).code).toBe(2);
  });

  it('exports option specs that render back to the same command line', () => {
    expect(toArgv(convertOptionSpecs, { outDir: 'out', strict: true, jobs: 2, json: false })).toEqual(['--out-dir', 'out', '--strict', '--jobs', '2']);
  });
});

describe('convert DIR -o OUTDIR (batch for CI)', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('writes every convertible domain, reports the rest, exits 1, and writes a JUnit report', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const out = path.join(t.dir, 'xml');
    const junit = path.join(t.dir, 'junit.xml');
    const r = await runCli(['convert', domainsFixtureRel, '-o', out, '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(readdirSync(out)).toHaveLength(10);
    expect(r.stderr).toMatch(/error\[OUTPUT_NAME_CLASH\]: domain name 'test01' was already converted from/);
    expect(r.stderr).toMatch(/converted 10 of 12 inputs: 2 with warnings, 2 failed; wrote 10 files to /);

    const text = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(text)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (n) => n === 'testcase' }).parse(text);
    const suite = doc.testsuites.testsuite;
    expect([suite.tests, suite.failures, suite.errors]).toEqual(['12', '2', '0']);
    expect(suite.testcase).toHaveLength(12);
    const failures = suite.testcase.filter((c: { failure?: unknown }) => c.failure);
    expect(failures.map((c: { name: string; failure: { type: string } }) => [c.name, c.failure.type])).toEqual([
      [rel(UUIDS.ldap01), 'SXP_UNEXPECTED_EOF'],
      [rel(UUIDS.test01b), 'OUTPUT_NAME_CLASH'],
    ]);
    // Failure text = the diagnostics exactly as printed on stderr.
    const eof = failures[0].failure['#text'] as string;
    expect(r.stderr).toContain(eof.split('\n')[0]);
    const win = suite.testcase.find((c: { name: string }) => c.name === rel(UUIDS.win2k8));
    expect(win['system-out']).toMatch(/warning\[QEMU_TRADITIONAL_REPLACED\]/);
    expect(readdirSync(t.dir).sort()).toEqual(['junit.xml', 'xml']);
  });

  it('exits 0 when everything converts, and refuses to overwrite a different file on the next run without --force', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const inputs = [rel(UUIDS.web01), rel(UUIDS.db01)];
    const first = await runCli(['convert', ...inputs, '-o', t.dir, '--quiet']);
    expect([first.code, first.stderr]).toEqual([0, '']);
    writeFileSync(path.join(t.dir, 'db01.xml'), 'edited');
    const second = await runCli(['convert', ...inputs, '-o', t.dir, '--json']);
    expect(second.code).toBe(1);
    // web01.xml holds exactly what would be written again: that counts as written (a re-run after an interruption).
    expect(JSON.parse(second.stdout).results.map((x: { error: { code: string } | null; output: string | null }) => x.error?.code ?? x.output)).toEqual([path.join(t.dir, 'web01.xml'), 'OUTPUT_EXISTS']);
    expect(readFileSync(path.join(t.dir, 'db01.xml'), 'utf8')).toBe('edited');
    const third = await runCli(['convert', ...inputs, '-o', t.dir, '--force', '--quiet']);
    expect(third.code).toBe(0);
    expect(readFileSync(path.join(t.dir, 'db01.xml'), 'utf8')).toContain('<name>db01</name>');
  });

  it('--quiet keeps errors but drops warnings and progress', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const r = await runCli(['convert', rel(UUIDS.win2k8), rel(UUIDS.ldap01), '-o', t.dir, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[SXP_UNEXPECTED_EOF\]/);
    expect(r.stderr).not.toMatch(/warning\[/);
    expect(r.stderr).not.toMatch(/converted \d+ of/);
  });

  it('fails loudly when a directory holds no configs', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const r = await runCli(['convert', t.dir, '-o', path.join(t.dir, 'out')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no config.sxp or *.sxp files found');
  });

  it('--validate checks every output with the real libvirt schema tools', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const r = await runCli(['convert', domainsFixtureRel, '-o', t.dir, '--validate', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    // Only the two known failures: every written XML passed libvirt's domain.rng.
    expect(report.results.filter((x: { ok: boolean }) => !x.ok).map((x: { error: { code: string } }) => x.error.code)).toEqual(['SXP_UNEXPECTED_EOF', 'OUTPUT_NAME_CLASH']);
    expect(readdirSync(t.dir)).toHaveLength(10);
  });

  it('--validate without xmllint or virt-xml-validate stops before writing anything', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const out = path.join(t.dir, 'out');
    const r = await runBin(['convert', domainsFixtureRel, '-o', out, '--validate'], { env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('neither xmllint nor virt-xml-validate is installed');
    expect(r.stderr).toContain('hint: Install libxml2-utils');
    expect(readdirSync(out)).toEqual([]);
  });

  it('works as the installed binary in a pipeline (exit code and JSON on stdout)', async () => {
    const t = tempDir();
    cleanup = t.cleanup;
    const r = await runBin(['convert', configOf(UUIDS.web01), '-o', t.dir, '--json', '--strict']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).summary).toMatchObject({ inputs: 1, converted: 1, written: 1 });
  });
});
