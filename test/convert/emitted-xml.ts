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
 * Four corpus inputs have unbalanced parentheses: libvirt's lenient reader
 * accepted them, xend (and we) reject them with a positioned syntax error
 * (checked in conformance.test.ts). Repaired, they are balanced the way their
 * author obviously meant.
 */
const REPAIRS: Record<string, (t: string) => string> = {
  'sexpr2xml-bridge-ipaddr': (t) => `${t.trimEnd()})`,
  'sexpr2xml-net-routed': (t) => `${t.trimEnd()})`,
  'sexpr2xml-pv-vfb-new': (t) => t.trimEnd().replace(/\)$/, ''),
  'sexpr2xml-pv-vfb-new-vncdisplay': (t) => t.trimEnd().replace(/\)$/, ''),
};
export const UNBALANCED_INPUTS = Object.keys(REPAIRS);

/** A corpus input as libvirt's test loader read it: backslash-newline pairs removed. */
export function corpusInput(name: string, repair = true): string {
  const text = readFileSync(join(CORPUS_DIR, `${name}.sexpr`), 'utf8').replace(/\\\n/g, '');
  const fix = REPAIRS[name];
  return repair && fix ? fix(text) : text;
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
