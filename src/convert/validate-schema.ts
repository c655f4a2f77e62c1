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

/** Outputs per xmllint run: one run costs ~20 ms whether it checks one file or a hundred. */
const FILES_PER_RUN = 200;

export async function validateDomainXml(xml: string, opts: ValidateOptions = {}): Promise<SchemaValidation> {
  return (await validateDomainXmls([xml], opts))[0];
}

/**
 * Validate several documents. xmllint checks them all in one run per
 * {@link FILES_PER_RUN} (loading libvirt's schema once, not once per file);
 * virt-xml-validate takes one file per run.
 * @returns one result per document, in order
 */
export async function validateDomainXmls(xmls: readonly string[], opts: ValidateOptions = {}): Promise<SchemaValidation[]> {
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
  try {
    const files = xmls.map((_, i) => join(dir, `domain-${i}.xml`));
    await Promise.all(xmls.map((xml, i) => writeFile(files[i], xml, { mode: 0o600 })));
    const results: SchemaValidation[] = [];
    if (xmllint) {
      for (let at = 0; at < files.length; at += FILES_PER_RUN) {
        const run1 = files.slice(at, at + FILES_PER_RUN);
        const { code, output } = await run([xmllint, '--noout', '--relaxng', schema, ...run1], (opts.timeoutMs ?? 30_000) + 100 * run1.length);
        results.push(...perFile(run1, output, code, 'xmllint'));
      }
    } else {
      for (const file of files) {
        const { code, output } = await run([vxv as string, file, 'domain'], opts.timeoutMs ?? 30_000);
        results.push(...perFile([file], output, code, 'virt-xml-validate'));
      }
    }
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Split one run's output by file. The tools report files in order; a line
 * naming no file (a parser's context line) belongs to the last one named. A
 * file passed only if the tool said so: `FILE validates`, or (one file) exit 0.
 */
function perFile(files: readonly string[], output: string, code: number, tool: SchemaValidation['tool']): SchemaValidation[] {
  const lines = new Map(files.map((f) => [f, [] as string[]]));
  const passed = new Set<string>();
  let current: string | undefined;
  for (const line of output.split('\n')) {
    const named = files.find((f) => line.startsWith(`${f}:`) || line.startsWith(`${f} `));
    if (named) current = named;
    const text = line.trim();
    if (text === '') continue;
    if (named && text === `${named} validates`) {
      passed.add(named);
      continue;
    }
    if (current) lines.get(current)!.push(text.split(current).join('<domain.xml>'));
    else for (const f of files) lines.get(f)!.push(text);
  }
  return files.map((f) => {
    const ok = passed.has(f) || (files.length === 1 && code === 0);
    const errors = lines.get(f)!.filter((l) => !/validates$/.test(l));
    return { ok, errors: ok ? [] : errors.length ? errors : [`${tool} failed (exit ${code}) without saying why`], tool };
  });
}
