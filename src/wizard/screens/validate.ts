/** Validators for the options screens: same limits as the commands' own flags, phrased for a prompt. */
import fs from 'node:fs';
import path from 'node:path';

export function wholeNumberIn(label: string, min: number, max: number) {
  return (v: string): string | true => {
    if (!/^\d+$/.test(v.trim())) return `${label} needs a whole number`;
    const n = Number(v);
    return n >= min && n <= max ? true : `${label} must be between ${min} and ${max}`;
  };
}

/** A libvirt connection URI as virsh -c takes it: driver[+transport]://[host]/path. */
export function libvirtUri(v: string): string | true {
  const t = v.trim();
  if (!t) return 'enter a libvirt URI, e.g. xen:///system or xen+ssh://dom0-b/system';
  return /^[a-z][a-z0-9]*(\+[a-z0-9]+)?:\/\/[^\s]*\/[^\s]*$/i.test(t) ? true : `'${t}' is not a libvirt URI (driver[+transport]://[host]/path, e.g. xen+ssh://dom0-b/system)`;
}

/**
 * Backups must land somewhere we can show and find again: an absolute path that
 * is not a symlink and, if it exists, is a directory (the upgrade itself refuses
 * directories that are not its own; this catches typos before the plan).
 */
export function backupDir(v: string): string | true {
  const t = v.trim();
  if (!t) return 'enter a directory for the backup and the journal';
  if (!path.isAbsolute(t)) return 'use an absolute path, so the summary and --resume point at the same place';
  try {
    const st = fs.lstatSync(t);
    if (st.isSymbolicLink()) return `${t} is a symlink; the backup directory must be a real directory`;
    if (!st.isDirectory()) return `${t} exists and is not a directory`;
  } catch {
    // Not there yet: the upgrade creates it with mode 0700.
  }
  return true;
}

/** An output directory for convert: new, or empty (convert never overwrites without --force). */
export function outputDir(cwd: string) {
  return (v: string): string | true => {
    const t = v.trim();
    if (!t) return 'enter a directory for the XML files';
    try {
      const full = path.resolve(cwd, t);
      const st = fs.statSync(full);
      if (!st.isDirectory()) return `${t} exists and is not a directory`;
      if (fs.readdirSync(full).length > 0) return `${t} is not empty; pick a new directory (convert never overwrites without --force)`;
    } catch {
      // Created by convert.
    }
    return true;
  };
}

export function notEmpty(what: string) {
  return (v: string): string | true => (v.trim() ? true : `enter ${what}`);
}
