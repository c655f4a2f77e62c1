/** Every XML the converter emits in the test suite: our fixtures plus the libvirt corpus inputs. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertSxpText, type XendDefaults } from '../../src/convert/api.js';

export const FIXTURE_DIR = join(process.cwd(), 'fixtures', 'sxp');
export const CORPUS_DIR = join(process.cwd(), '..', 'shared', 'corpus', 'libvirt-sexpr2xml');

export interface Emitted {
  label: string;
  xml: string;
  uuid?: string;
}

export function fixtureNames(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.sxp')).map((f) => f.slice(0, -4)).sort();
}

export function convertFixture(name: string) {
  const defaultsFile = join(FIXTURE_DIR, `${name}.defaults.json`);
  const xendDefaults = existsSync(defaultsFile) ? (JSON.parse(readFileSync(defaultsFile, 'utf8')) as XendDefaults) : undefined;
  return convertSxpText(readFileSync(join(FIXTURE_DIR, `${name}.sxp`)), { file: `fixtures/sxp/${name}.sxp`, xendDefaults });
}

/**
 * Corpus inputs as libvirt's test read them (backslash-newline removed), with
 * the four unbalanced files balanced (see conformance.test.ts).
 */
export function corpusInput(name: string, repair = true): string {
  const text = readFileSync(join(CORPUS_DIR, `${name}.sexpr`), 'utf8').replace(/\\\n/g, '');
  if (!repair) return text;
  if (name === 'sexpr2xml-bridge-ipaddr' || name === 'sexpr2xml-net-routed') return `${text.trimEnd()})`;
  if (name === 'sexpr2xml-pv-vfb-new' || name === 'sexpr2xml-pv-vfb-new-vncdisplay') return text.trimEnd().replace(/\)$/, '');
  return text;
}

export function corpusNames(): string[] {
  return existsSync(CORPUS_DIR) ? readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.sexpr')).map((f) => f.slice(0, -6)).sort() : [];
}

export function allEmitted(): Emitted[] {
  const out: Emitted[] = [];
  for (const name of fixtureNames()) {
    const r = convertFixture(name);
    if (!r.ok || !r.xml) throw new Error(`fixture ${name} did not convert: ${r.error?.message}`);
    out.push({ label: `fixtures/sxp/${name}`, xml: r.xml, uuid: r.domain?.uuid });
  }
  for (const name of corpusNames()) {
    const r = convertSxpText(corpusInput(name), { file: `${name}.sexpr` });
    if (!r.ok || !r.xml) throw new Error(`corpus ${name} did not convert: ${r.error?.message}`);
    out.push({ label: `corpus/${name}`, xml: r.xml, uuid: r.domain?.uuid });
  }
  return out;
}
