import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VALIDATE_BATCH, runBatch, type BatchOptions } from '../../src/batch/run-batch.js';
import type { InputResult } from '../../src/batch/types.js';
import { repoRoot } from '../helpers/run-cli.js';
import { configOf, domainsFixtureRel, manyDomainsText, useTempDirs, UUIDS, writeFlatInputs } from './fixture-paths.js';

const tmp = useTempDirs();

async function run(opts: Partial<BatchOptions> & { inputs: string[] }) {
  const results: InputResult[] = [];
  const summary = await runBatch({ cwd: repoRoot, onResult: (r) => results.push(r), ...opts });
  return { results, summary };
}

describe('batch conversion', () => {

  it('converts a xend tree into one <name>.xml each, reporting every input in order', async () => {
    const dir = tmp();
    const { results, summary } = await run({ inputs: [domainsFixtureRel], outDir: dir });
    expect(results.map((r) => r.source)).toEqual(Object.values(UUIDS).slice().sort().map((u) => `${domainsFixtureRel}/${u}/config.sxp`));
    expect(readdirSync(dir).sort()).toEqual(['app01.xml', 'app02.xml', 'build01.xml', 'cluster-a.xml', 'cluster-b.xml', 'db01.xml', 'mail01.xml', 'test01.xml', 'web01.xml', 'win2k8.xml']);
    expect(summary).toMatchObject({ inputs: 12, converted: 10, failed: 2, written: 10, withWarnings: 2, interrupted: false });
    const failed = results.filter((r) => !r.ok).map((r) => [path.basename(path.dirname(r.source)), r.error?.code]);
    expect(failed).toEqual([
      [UUIDS.ldap01, 'SXP_UNEXPECTED_EOF'],
      [UUIDS.test01b, 'OUTPUT_NAME_CLASH'],
    ]);
    // Written results do not carry their XML around (memory stays flat).
    expect(results.every((r) => r.xml === undefined)).toBe(true);
    expect(results.find((r) => r.domain?.name === 'web01')!.output).toBe(path.join(dir, 'web01.xml'));
    expect(readFileSync(path.join(dir, 'web01.xml'), 'utf8')).toContain('<name>web01</name>');
  });

  it('flags a uuid seen twice in one batch', async () => {
    const { results } = await run({ inputs: [configOf(UUIDS.app01), configOf(UUIDS.app02)] });
    expect(results[0].warnings).toEqual([]);
    expect(results[1].warnings.map((w) => w.code)).toEqual(['DUPLICATE_UUID_IN_BATCH']);
    expect(results[1].ok).toBe(true);
  });

  it('fails warned inputs under --strict and writes nothing for them', async () => {
    const dir = tmp();
    const { results, summary } = await run({ inputs: [configOf(UUIDS.web01), configOf(UUIDS.win2k8)], outDir: dir, strict: true });
    expect(results.map((r) => [r.ok, r.error?.code])).toEqual([
      [true, undefined],
      [false, 'STRICT_WARNINGS'],
    ]);
    expect(results[1].warnings.length).toBe(2);
    expect(readdirSync(dir)).toEqual(['web01.xml']);
    expect(summary).toMatchObject({ converted: 1, failed: 1 });
  });

  it('never overwrites without force, and replaces with it', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'web01.xml'), 'hand-edited');
    const first = await run({ inputs: [configOf(UUIDS.web01), configOf(UUIDS.db01)], outDir: dir });
    expect(first.results.map((r) => r.error?.code)).toEqual(['OUTPUT_EXISTS', undefined]);
    expect(readFileSync(path.join(dir, 'web01.xml'), 'utf8')).toBe('hand-edited');
    const second = await run({ inputs: [configOf(UUIDS.web01)], outDir: dir, force: true });
    expect(second.results[0].ok).toBe(true);
    expect(readFileSync(path.join(dir, 'web01.xml'), 'utf8')).toContain('<domain');
  });

  it('keeps the XML for the caller when there is no output directory; a missing input costs only itself', async () => {
    const { results, summary } = await run({ inputs: [configOf(UUIDS.db01), 'no/such/config.sxp'] });
    expect(results[0].xml).toContain('<name>db01</name>');
    expect(results[1]).toMatchObject({ ok: false, error: { code: 'INPUT_UNREADABLE' } });
    expect(summary).toMatchObject({ inputs: 2, converted: 1, failed: 1, written: 0 });
  });

  it('turns a schema rejection into a failed input', async () => {
    const { results } = await run({
      inputs: [configOf(UUIDS.web01)],
      validate: async (items) => items.map(() => ({ code: 'SCHEMA_INVALID', message: 'Element domain failed to validate' })),
    });
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'SCHEMA_INVALID' } });
    expect(results[0].xml).toBeUndefined();
  });

  it('checks the schema of every domain of a multi-domain dump, not only the first', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'dump.sxp'), [1, 2, 3].map((i) => manyDomainsText(i).text).join('\n'));
    const seen: string[] = [];
    const { results } = await run({
      inputs: [path.join(dir, 'dump.sxp')],
      validate: async (items) =>
        items.map(({ xml }) => {
          const name = /<name>([^<]+)</.exec(xml)![1];
          seen.push(name);
          return name === 'web00003' ? { code: 'SCHEMA_INVALID', message: 'no' } : undefined;
        }),
    });
    expect(seen.sort()).toEqual(['web00001', 'web00002', 'web00003']);
    expect(results.map((r) => r.error?.code ?? 'ok')).toEqual(['ok', 'ok', 'SCHEMA_INVALID']);
  });

  it('checks the schema in batches, each result getting its own verdict, in input order', async () => {
    const dir = tmp();
    writeFlatInputs(dir, 150);
    const sizes: number[] = [];
    const results: InputResult[] = [];
    await runBatch({
      inputs: ['in'],
      cwd: dir,
      jobs: 1,
      onResult: (r) => results.push(r),
      // Every seventh domain is "invalid"; the check sees each XML once, in some batch.
      validate: async (items) => {
        sizes.push(items.length);
        await new Promise((go) => setTimeout(go, 5));
        return items.map(({ xml }) => (/<name>web\d*[05]<\/name>/.test(xml) && Number(/<name>web(\d+)</.exec(xml)![1]) % 7 === 0 ? { code: 'SCHEMA_INVALID', message: 'no' } : undefined));
      },
    });
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(150);
    expect(Math.max(...sizes)).toBeGreaterThan(1);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(VALIDATE_BATCH);
    expect(results.map((r) => r.source)).toEqual(Array.from({ length: 150 }, (_, i) => path.join('in', `d${String(i).padStart(3, '0')}.sxp`)));
    const failedNames = results.filter((r) => !r.ok).map((r) => Number(/web(\d+)/.exec(r.domain!.name)![1]));
    expect(failedNames).toEqual(Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 7 === 0 && (i % 10 === 0 || i % 10 === 5)));
  });

  it('stops taking new inputs once aborted, and says so', async () => {
    const dir = tmp();
    writeFlatInputs(dir, 100);
    const abort = new AbortController();
    const results: InputResult[] = [];
    const summary = await runBatch({
      inputs: ['in'],
      cwd: dir,
      outDir: path.join(dir, 'out'),
      jobs: 1,
      signal: abort.signal,
      onResult: (r) => {
        results.push(r);
        if (results.length === 10) abort.abort();
      },
    });
    expect(summary.interrupted).toBe(true);
    expect(summary.inputs).toBeLessThan(100);
    expect(readdirSync(path.join(dir, 'out')).length).toBe(summary.written);
    expect(existsSync(path.join(dir, 'out'))).toBe(true);
  });
});
