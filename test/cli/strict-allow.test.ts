/**
 * Issue 13 item 20: `--strict` with accepted warning codes, so that CI on a
 * host with HVM guests (every one warns QEMU_TRADITIONAL_REPLACED) fails only
 * on new kinds of loss.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertOptionSpecs } from '../../src/cli/commands/convert.js';
import { toArgv } from '../../src/cli/option-spec.js';
import { configOf, useTempDirs, UUIDS } from '../batch/fixture-paths.js';
import { runCli } from '../helpers/run-cli.js';

const tmp = useTempDirs();
// win2k8 warns SHADOW_MEMORY_AUTO and QEMU_TRADITIONAL_REPLACED.
const win = configOf(UUIDS.win2k8);
const codes = (stdout: string) => JSON.parse(stdout).results.map((r: { error: { code: string } | null }) => r.error?.code ?? 'ok');

describe('convert --strict --allow', () => {
  it('fails only on warnings whose codes are not allowed', async () => {
    const one = await runCli(['convert', win, '--strict', '--allow', 'QEMU_TRADITIONAL_REPLACED', '--json']);
    expect(one.code).toBe(1);
    expect(codes(one.stdout)).toEqual(['STRICT_WARNINGS']);
    expect(one.stderr).toContain('error[STRICT_WARNINGS]: 1 warning and --strict (1 more accepted by --allow)');
    const both = await runCli(['convert', win, '--strict', '--allow', 'QEMU_TRADITIONAL_REPLACED,SHADOW_MEMORY_AUTO', '--json']);
    expect(both.code).toBe(0);
    expect(codes(both.stdout)).toEqual(['ok']);
    // The warnings are still shown: accepted, not hidden.
    expect(both.stderr).toMatch(/warning\[QEMU_TRADITIONAL_REPLACED\]/);
    const repeated = await runCli(['convert', win, '--strict', '--allow', 'QEMU_TRADITIONAL_REPLACED', '--allow', 'SHADOW_MEMORY_AUTO', '--json']);
    expect(repeated.code).toBe(0);
  });

  it('--allow-file: one code per line, # comments', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'accepted'), '# every HVM guest here\nQEMU_TRADITIONAL_REPLACED\n\nSHADOW_MEMORY_AUTO  # xend computed it\n');
    const r = await runCli(['convert', win, '--strict', '--allow-file', 'accepted', '--json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(codes(r.stdout)).toEqual(['ok']);
  });

  it('usage errors: an unknown code (a typo), --allow without --strict, an unreadable --allow-file', async () => {
    const typo = await runCli(['convert', win, '--strict', '--allow', 'QEMU_TRADITIONAL_REPLACE']);
    expect([typo.code, typo.stdout]).toEqual([2, '']);
    expect(typo.stderr).toContain("unknown warning code 'QEMU_TRADITIONAL_REPLACE' (from --allow)");
    const loose = await runCli(['convert', win, '--allow', 'QEMU_TRADITIONAL_REPLACED']);
    expect(loose.code).toBe(2);
    expect(loose.stderr).toContain('--allow and --allow-file only matter with --strict');
    const missing = await runCli(['convert', win, '--strict', '--allow-file', '/nonexistent/accepted']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read --allow-file /nonexistent/accepted: no such file');
  });

  it('is part of the option spec, so the equivalent command line can be printed', () => {
    expect(toArgv(convertOptionSpecs, { strict: true, allow: ['A,B'], allowFile: ['f'] })).toEqual(['--strict', '--allow', 'A,B', '--allow-file', 'f']);
  });
});
