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
import { readDomainXml } from '../../src/convert/read-domain-xml.js';
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

  it('defines on the libvirt test driver (virsh -c test:///default) and reads back the same domain', async () => {
    // One virsh process for speed: the test driver's state lives only inside it.
    // define → dumpxml --security-info → undefine, so equal names in the corpus do not collide.
    const cmds = ['destroy test', 'undefine test'];
    for (const [i, e] of emitted.entries()) {
      const file = join(dir, `d${i}.xml`);
      await writeFile(file, e.xml);
      cmds.push(`define ${file}`, `dumpxml --security-info ${e.uuid}`, `undefine ${e.uuid}`);
    }
    const run = execFileRunner().start({ uri: 'test:///default', args: [cmds.join('; ')], timeoutMs: 60_000 });
    const r = await run.result;
    if (r.exitCode === 127) {
      console.warn(`SKIPPED virsh define: ${r.stderr.trim()}`);
      return;
    }
    // stdout: "Domain 'X' defined from FILE" followed by that domain's XML, per emitted file.
    const failures: string[] = [];
    const chunks = r.stdout.split(/^Domain '.*' defined from /m).slice(1);
    const byFile = new Map(chunks.map((c) => [c.slice(0, c.indexOf('\n')).trim(), c]));
    for (const [i, e] of emitted.entries()) {
      const chunk = byFile.get(join(dir, `d${i}.xml`));
      if (!chunk) {
        failures.push(`${e.label}: not defined`);
        continue;
      }
      const dumped = /<domain[\s\S]*?<\/domain>/.exec(chunk)?.[0];
      if (!dumped) {
        failures.push(`${e.label}: no dumpxml output`);
        continue;
      }
      const ours = readDomainXml(e.xml);
      const theirs = readDomainXml(dumped);
      const pick = (d: typeof ours) => ({
        name: d.name,
        uuid: d.uuid,
        osType: d.osType,
        memoryKiB: d.memoryKiB,
        maxMemoryKiB: d.maxMemoryKiB,
        vcpus: d.vcpus,
        disks: d.disks.map((k) => [k.target, k.source, k.sourceType, k.device, k.readonly, k.format]),
        nics: d.nics.map((n) => [n.mac, n.bridge, n.type, n.script, n.model]),
      });
      try {
        expect(pick(theirs)).toEqual(pick(ours));
      } catch {
        failures.push(`${e.label}: libvirt stored something else:\n${JSON.stringify(pick(theirs))}\n${JSON.stringify(pick(ours))}`);
      }
      // The VNC password must survive libvirt's parser too.
      const pw = /passwd="([^"]*)"/.exec(e.xml)?.[1];
      if (pw && !dumped.includes(`passwd='${pw}'`)) failures.push(`${e.label}: VNC password lost by libvirt`);
    }
    console.log(`virsh define + dumpxml: ${emitted.length - failures.length}/${emitted.length} identical`);
    expect(failures, r.stderr).toEqual([]);
  });
});
