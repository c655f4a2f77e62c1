/**
 * The journal read back is treated as possibly tampered with: before any field
 * is used, every one is checked for type and allowed values, and every path in
 * it must stay inside the backup directory. A journal that fails is refused
 * whole (JOURNAL_CORRUPT, naming the field) — never half-used.
 */
import { Xend2LibxlError } from '../errors.js';
import { insideBackupDir } from './backup-dir.js';
import type { Journal } from './journal.js';
import { isStep } from './steps.js';

type Obj = Record<string, unknown>;

class Bad extends Error {}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function need(ok: boolean, where: string, what: string): void {
  if (!ok) throw new Bad(`${where}: ${what}`);
}

function str(o: Obj, key: string, where: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  need(typeof o[key] === 'string', `${where}.${key}`, 'must be a string');
}

function bool(o: Obj, key: string, where: string): void {
  need(typeof o[key] === 'boolean', `${where}.${key}`, 'must be true or false');
}

function oneOf(o: Obj, key: string, allowed: readonly string[], where: string, optional = false): void {
  if (optional && o[key] === undefined) return;
  need(typeof o[key] === 'string' && allowed.includes(o[key] as string), `${where}.${key}`, `must be one of ${allowed.join(', ')}`);
}

function hex64(o: Obj, key: string, where: string): void {
  if (o[key] === undefined) return;
  need(typeof o[key] === 'string' && /^[0-9a-f]{64}$/.test(o[key] as string), `${where}.${key}`, 'must be a sha256 in hex');
}

function list(o: Obj, key: string, where: string, item: (v: unknown, at: string) => void, optional = false): void {
  if (optional && o[key] === undefined) return;
  need(Array.isArray(o[key]), `${where}.${key}`, 'must be a list');
  (o[key] as unknown[]).forEach((v, i) => item(v, `${where}.${key}[${i}]`));
}

function problem(v: unknown, where: string): void {
  need(isObj(v), where, 'must be an object');
  const p = v as Obj;
  str(p, 'code', where);
  str(p, 'message', where);
  str(p, 'hint', where, true);
}

function checkOptions(o: unknown): void {
  need(isObj(o), 'options', 'must be an object');
  const x = o as Obj;
  str(x, 'xendRoot', 'options');
  str(x, 'xendConfig', 'options', true);
  str(x, 'to', 'options');
  str(x, 'from', 'options', true);
  bool(x, 'includeUnmanaged', 'options');
  oneOf(x, 'switchMode', ['none', 'command', 'pause'], 'options');
  str(x, 'switchCommand', 'options', true);
  list(x, 'only', 'options', (v, at) => need(typeof v === 'string', at, 'must be a string'), true);
}

function checkDomain(v: unknown, where: string, backupDir: string): void {
  need(isObj(v), where, 'must be an object');
  const d = v as Obj;
  for (const k of ['id', 'name']) str(d, k, where);
  for (const k of ['uuid', 'entry', 'fromName', 'next', 'startBlockedBy']) str(d, k, where, true);
  oneOf(d, 'origin', ['xend', 'unmanaged'], where);
  need(typeof d.step === 'string' && isStep(d.step), `${where}.step`, 'must be a step name');
  oneOf(d, 'status', ['in-progress', 'held', 'failed', 'done', 'rolled-back'], where);
  for (const k of ['wasRunning', 'autostart', 'stoppedByUs', 'definedByUs', 'startedByUs', 'autostartSetByUs']) bool(d, k, where);
  str(d, 'xmlFile', where, true);
  if (typeof d.xmlFile === 'string') insideBackupDir(backupDir, d.xmlFile, `${where}.xmlFile`);
  hex64(d, 'xmlSha256', where);
  hex64(d, 'definedXmlSha256', where);
  if (d.error !== undefined) problem(d.error, `${where}.error`);
  list(d, 'warnings', where, problem);
  list(d, 'history', where, (h, at) => {
    need(isObj(h), at, 'must be an object');
    str(h as Obj, 'event', at);
    str(h as Obj, 'at', at);
  });
}

/** `parsed` (JSON.parse of journal.json) as a Journal, or JOURNAL_CORRUPT / JOURNAL_PATH_OUTSIDE naming what is wrong. */
export function validateJournal(parsed: unknown, backupDir: string, file: string): Journal {
  try {
    need(isObj(parsed), 'journal', 'must be an object');
    const j = parsed as Obj;
    need(j.format === 'xend2libxl-upgrade-journal' && j.version === 1, 'format/version', 'not an upgrade journal this version understands');
    str(j, 'createdAt', 'journal');
    str(j, 'updatedAt', 'journal');
    checkOptions(j.options);
    need(isObj(j.switch), 'switch', 'must be an object');
    oneOf(j.switch as Obj, 'state', ['not-needed', 'pending', 'awaiting', 'done', 'failed'], 'switch');
    str(j.switch as Obj, 'at', 'switch', true);
    str(j.switch as Obj, 'detail', 'switch', true);
    if (j.rollback !== undefined) {
      need(isObj(j.rollback), 'rollback', 'must be an object');
      str(j.rollback as Obj, 'at', 'rollback');
      oneOf(j.rollback as Obj, 'state', ['running', 'done', 'partial'], 'rollback');
    }
    list(j, 'planWarnings', 'journal', problem, true);
    list(j, 'domains', 'journal', (d, at) => checkDomain(d, at, backupDir));
    const ids = (j.domains as Obj[]).map((d) => d.id);
    need(new Set(ids).size === ids.length, 'domains', 'two domains share one id');
    return parsed as Journal;
  } catch (e) {
    if (!(e instanceof Bad)) throw e;
    throw new Xend2LibxlError('JOURNAL_CORRUPT', `the upgrade journal is not valid: ${e.message}`, {
      file,
      hint: 'the journal is written atomically, so this file was edited or the disk is damaged; restore it from a copy or start a new upgrade',
    });
  }
}
