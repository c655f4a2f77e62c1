/**
 * 100 % of the XML we emit (fixtures + corpus) must validate against libvirt's
 * domain.rng with the real xmllint/virt-xml-validate, and define on libvirt's
 * test driver through the project's own virsh runner.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DOMAIN_SCHEMA, SchemaToolMissingError, validateDomainXml } from '../../src/convert/validate-schema.js';
import { execFileRunner } from '../../src/libvirt/runner.js';
import { allEmitted, type Emitted } from './emitted-xml.js';

// Tests may fall back to the corpus copy of the schema; the product never does.
const SCHEMA = existsSync(DEFAULT_DOMAIN_SCHEMA) ? DEFAULT_DOMAIN_SCHEMA : join(process.cwd(), '..', 'shared', 'corpus', 'libvirt-schemas', 'domain.rng');

describe('every emitted XML is valid libvirt domain XML', () => {
  let emitted: Emitted[] = [];
  let dir = '';

  beforeAll(async () => {
    emitted = allEmitted();
    dir = await mkdtemp(join(tmpdir(), 'xend2libxl-define-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('covers fixtures and corpus', () => {
    expect(emitted.length).toBeGreaterThanOrEqual(15);
  });

  it(`validates against ${SCHEMA}`, async () => {
    const failures: string[] = [];
    try {
      for (const e of emitted) {
        const v = await validateDomainXml(e.xml, { schemaPath: SCHEMA });
        if (!v.ok) failures.push(`${e.label}: ${v.errors.join(' | ')}`);
      }
    } catch (err) {
      if (err instanceof SchemaToolMissingError) {
        console.warn(`SKIPPED schema validation: ${err.message}`);
        return;
      }
      throw err;
    }
    console.log(`schema: ${emitted.length - failures.length}/${emitted.length} valid`);
    expect(failures).toEqual([]);
  });

  it('defines on the libvirt test driver (virsh -c test:///default)', async () => {
    // One virsh process for speed: the test driver's state lives only inside it.
    // Each define is followed by an undefine so equal names in the corpus do not collide.
    const cmds = ['destroy test', 'undefine test'];
    for (const [i, e] of emitted.entries()) {
      const file = join(dir, `d${i}.xml`);
      await writeFile(file, e.xml);
      cmds.push(`define ${file}`);
      if (e.uuid) cmds.push(`undefine ${e.uuid}`);
    }
    const run = execFileRunner().start({ uri: 'test:///default', args: [cmds.join('; ')], timeoutMs: 60_000 });
    const r = await run.result;
    if (r.exitCode === 127) {
      console.warn(`SKIPPED virsh define: ${r.stderr.trim()}`);
      return;
    }
    const failures = emitted.flatMap((e, i) => (r.stdout.includes(`defined from ${join(dir, `d${i}.xml`)}`) ? [] : [`${e.label}`]));
    console.log(`virsh define: ${emitted.length - failures.length}/${emitted.length} defined`);
    expect(failures, r.stderr).toEqual([]);
  });
});
