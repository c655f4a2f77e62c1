/**
 * Verification: the definition libvirt stored, read back, against the one we
 * sent, field by field on the pinned model fields. libvirt fills in defaults
 * (MAC addresses for NICs that had none, device addresses) — those are not
 * differences; a dropped disk, a changed memory size or a renamed bridge are.
 */
import type { PinnedFields as Pinned } from './ports.js';
import { SECRET_FACT } from './read-back.js';

export function modelDifferences(expected: Pinned, actual: Pinned): string[] {
  const diffs: string[] = [];
  const same = (field: string, a: unknown, b: unknown) => {
    if (a !== b) diffs.push(`${field}: expected ${JSON.stringify(a)}, libvirt has ${JSON.stringify(b)}`);
  };
  same('name', expected.name, actual.name);
  if (expected.uuid) same('uuid', expected.uuid.toLowerCase(), actual.uuid?.toLowerCase());
  same('os type', expected.osType, actual.osType);
  same('memory (KiB)', expected.memoryKiB, actual.memoryKiB);
  same('max memory (KiB)', expected.maxMemoryKiB, actual.maxMemoryKiB);
  same('vcpus', expected.vcpus, actual.vcpus);
  const disks = (m: Pinned) => [...m.disks].sort((a, b) => a.target.localeCompare(b.target));
  const ed = disks(expected);
  const ad = disks(actual);
  same('disk count', ed.length, ad.length);
  for (let i = 0; i < Math.min(ed.length, ad.length); i++) {
    const e = ed[i];
    const a = ad[i];
    same(`disk ${e.target} target`, e.target, a.target);
    same(`disk ${e.target} device`, e.device, a.device);
    same(`disk ${e.target} source`, e.source, a.source);
    same(`disk ${e.target} readonly`, e.readonly, a.readonly);
    same(`disk ${e.target} shareable`, e.shareable, a.shareable);
  }
  same('nic count', expected.nics.length, actual.nics.length);
  for (let i = 0; i < Math.min(expected.nics.length, actual.nics.length); i++) {
    const e = expected.nics[i];
    const a = actual.nics[i];
    // A NIC without a MAC gets one from libvirt at define time.
    if (e.mac) same(`nic ${i} mac`, e.mac.toLowerCase(), a.mac?.toLowerCase());
    if (e.bridge !== undefined) same(`nic ${i} bridge`, e.bridge, a.bridge);
  }
  for (const [key, want] of Object.entries(expected.facts ?? {})) {
    const got = actual.facts?.[key];
    if (got === want) continue;
    // A password is compared, never printed (reports and logs are not secret).
    if (SECRET_FACT.test(key)) diffs.push(`${key}: ${got === undefined ? 'missing' : 'different'} in what libvirt has`);
    else diffs.push(`${key}: expected ${JSON.stringify(want)}, libvirt has ${got === undefined ? 'none' : JSON.stringify(got)}`);
  }
  return diffs;
}
