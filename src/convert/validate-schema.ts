/**
 * Validate domain XML against libvirt's RelaxNG schema with the real tools:
 * `xmllint --relaxng` (libxml2-utils) or, failing that, `virt-xml-validate`
 * (libvirt-clients). Never a home-made approximation of the schema.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { Xend2LibxlError } from '../errors.js';

export const DEFAULT_DOMAIN_SCHEMA = '/usr/share/libvirt/schemas/domain.rng';

export interface SchemaValidation {
  ok: boolean;
  /** One entry per problem the validator reported (tool output lines, temp path removed). */
  errors: string[];
  /** Which tool ran. */
  tool: 'xmllint' | 'virt-xml-validate';
}

export interface ValidateOptions {
  /** RelaxNG file; default {@link DEFAULT_DOMAIN_SCHEMA}. Ignored by virt-xml-validate, which uses libvirt's installed schema. */
  schemaPath?: string;
  /** PATH to search; default process.env.PATH. */
  searchPath?: string;
  timeoutMs?: number;
}

export class SchemaToolMissingError extends Xend2LibxlError {
  constructor() {
    super('SCHEMA_TOOL_MISSING', 'cannot validate domain XML: neither xmllint nor virt-xml-validate is installed', {
      hint: 'Install libxml2-utils (xmllint) or libvirt-clients (virt-xml-validate).',
    });
  }
}

export class SchemaMissingError extends Xend2LibxlError {
  constructor(path: string) {
    super('SCHEMA_MISSING', `libvirt's domain schema ${path} does not exist`, { file: path, hint: 'Install libvirt-daemon (it ships /usr/share/libvirt/schemas) or pass schemaPath.' });
  }
}

async function which(program: string, searchPath: string): Promise<string | undefined> {
  for (const dir of searchPath.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, program);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* try the next directory */
    }
  }
  return undefined;
}

function run(argv: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(argv[0], argv.slice(1), { timeout: timeoutMs, env: { ...process.env, LC_ALL: 'C' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

export async function validateDomainXml(xml: string, opts: ValidateOptions = {}): Promise<SchemaValidation> {
  const searchPath = opts.searchPath ?? process.env.PATH ?? '';
  const schema = opts.schemaPath ?? DEFAULT_DOMAIN_SCHEMA;
  const xmllint = await which('xmllint', searchPath);
  const vxv = xmllint ? undefined : await which('virt-xml-validate', searchPath);
  if (!xmllint && !vxv) throw new SchemaToolMissingError();
  if (xmllint) {
    try {
      await access(schema, constants.R_OK);
    } catch {
      throw new SchemaMissingError(schema);
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'xend2libxl-validate-'));
  const file = join(dir, 'domain.xml');
  try {
    await writeFile(file, xml, { mode: 0o600 });
    const argv = xmllint ? [xmllint, '--noout', '--relaxng', schema, file] : [vxv as string, file, 'domain'];
    const { code, output } = await run(argv, opts.timeoutMs ?? 30_000);
    const errors = output
      .split('\n')
      .map((l) => l.split(file).join('<domain.xml>').trim())
      .filter((l) => l !== '' && !/validates$/.test(l) && !/^<domain\.xml> validates/.test(l));
    return { ok: code === 0, errors: code === 0 ? [] : errors, tool: xmllint ? 'xmllint' : 'virt-xml-validate' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
