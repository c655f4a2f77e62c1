/**
 * The seed's manual upgrade recipe, one domain after the other (the baseline of bench/upgrade.js
 * and bench/upgrade-xen.js): shutdown on FROM; poll domstate until shut off; dumpxml > file;
 * define on TO. Returns the wall time in ms.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export function seedLoop(virsh, from, to, names, work) {
  const t0 = performance.now();
  for (const d of names) {
    virsh(from, ['shutdown', '--', d]);
    while (!virsh(from, ['domstate', '--', d]).startsWith('shut off')) execFileSync('sleep', ['0.1']);
    const file = path.join(work, `${d}.xml`);
    writeFileSync(file, virsh(from, ['dumpxml', '--', d]));
    virsh(to, ['define', '--file', file]);
  }
  return performance.now() - t0;
}
