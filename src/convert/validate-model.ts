/**
 * Checks that make a model undefinable: caught here, before anything touches
 * libvirt, with the position of the offending SXP node.
 */
import type { DomainModel } from './model.js';
import type { ReadContext } from './read-context.js';

/** libvirt rejects '/' (names become file names) and control characters; xend itself allowed [A-Za-z0-9_.:+-]. */
export function nameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'the name is empty';
  if (name.includes('/')) return `'${name}' contains '/', which libvirt forbids in domain names`;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return `'${JSON.stringify(name)}' contains control characters`;
  if (name !== name.trim()) return `'${name}' starts or ends with whitespace`;
  return undefined;
}

export function validateModel(ctx: ReadContext, m: DomainModel): void {
  const bad = nameProblem(m.name);
  if (bad) ctx.fail('INVALID_NAME', `invalid domain name: ${bad}`, m.pos ? { pos: m.pos } : undefined, 'Rename the domain (letters, digits, _ . : + -) before converting.');
  const seen = new Map<string, NonNullable<DomainModel['disks'][number]['pos']> | undefined>();
  for (const d of m.disks) {
    if (seen.has(d.target)) {
      const first = seen.get(d.target);
      ctx.fail('DUPLICATE_DISK_TARGET', `two disks use guest device ${d.target}${first ? ` (first at line ${first.line})` : ''}`, d.pos ? { pos: d.pos } : undefined, 'Give each disk its own dev name.');
    }
    seen.set(d.target, d.pos);
  }
  if (m.vcpus < 1) ctx.fail('INVALID_VCPUS', `vcpus must be at least 1, found ${m.vcpus}`);
  if (m.memoryKiB <= 0) ctx.fail('INVALID_MEMORY', 'memory must be positive');
  if (m.osType === 'pv' && !m.os.kernel && !m.os.bootloader) ctx.fail('NO_BOOT_METHOD', 'PV guest has neither a kernel nor a bootloader');
}
