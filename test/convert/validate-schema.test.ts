/** The schema validator runs the real tools and reports their findings; missing tools are a typed error. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DOMAIN_SCHEMA, SchemaMissingError, SchemaToolMissingError, validateDomainXml, validateDomainXmls } from '../../src/convert/validate-schema.js';

const SCHEMA = existsSync(DEFAULT_DOMAIN_SCHEMA) ? DEFAULT_DOMAIN_SCHEMA : join(process.cwd(), '..', 'shared', 'corpus', 'libvirt-schemas', 'domain.rng');
const haveTool = ['/usr/bin/xmllint', '/usr/bin/virt-xml-validate'].some((p) => existsSync(p));
const GOOD = "<domain type='xen'><name>a</name><memory>65536</memory><os><type>linux</type><kernel>/k</kernel></os></domain>";

describe('validateDomainXml', () => {
  it('throws a typed error with a hint when no validator is installed', async () => {
    const err = await validateDomainXml(GOOD, { searchPath: '/nonexistent' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaToolMissingError);
    expect((err as SchemaToolMissingError).code).toBe('SCHEMA_TOOL_MISSING');
    expect((err as SchemaToolMissingError).hint).toMatch(/libxml2-utils/);
  });

  it.skipIf(!haveTool)('accepts valid XML', async () => {
    expect(await validateDomainXml(GOOD, { schemaPath: SCHEMA })).toMatchObject({ ok: true, errors: [] });
  });

  it.skipIf(!haveTool)('reports what is wrong with invalid XML, without the temp path', async () => {
    const v = await validateDomainXml("<domain type='xen'><name>a</name><memory>lots</memory></domain>", { schemaPath: SCHEMA });
    expect(v.ok).toBe(false);
    expect(v.errors.join('\n')).toMatch(/memory|validate/i);
    expect(v.errors.join('\n')).not.toMatch(/xend2libxl-validate-/);
  });

  it.skipIf(!existsSync('/usr/bin/xmllint'))('checks many documents in one xmllint run and gives each its own result, in order', async () => {
    const invalid = "<domain type='xen'><name>a</name><memory>lots</memory></domain>";
    const broken = '<domain';
    const docs = [GOOD, invalid, broken, ...Array.from({ length: 10 }, () => GOOD), invalid];
    const results = await validateDomainXmls(docs, { schemaPath: SCHEMA });
    expect(results.map((r) => r.ok)).toEqual([true, false, false, ...Array.from({ length: 10 }, () => true), false]);
    expect(results.every((r) => r.tool === 'xmllint')).toBe(true);
    // Each failure carries its own findings, not its neighbours'.
    expect(results[1].errors.join('\n')).toMatch(/memory/);
    expect(results[1].errors.join('\n')).not.toMatch(/parser error/);
    expect(results[2].errors.join('\n')).toMatch(/parser error/);
    expect(results[2].errors.join('\n')).not.toMatch(/memory/);
    expect(results.flatMap((r) => r.errors).join('\n')).not.toMatch(/xend2libxl-validate-/);
  });

  it.skipIf(!existsSync('/usr/bin/xmllint'))('names a missing schema file', async () => {
    await expect(validateDomainXml(GOOD, { schemaPath: '/nonexistent/domain.rng' })).rejects.toBeInstanceOf(SchemaMissingError);
  });
});
