/**
 * Real libvirt as the referee (issue 14): libvirt 9's libxl driver on the Xen rig still converts
 * xm and xl configs (`virsh domxml-from-native xen-xm|xen-xl FILE`; virsh reads FILE on this
 * machine and sends its text). Every fixtures/xmcfg input and every input of both libvirt corpora
 * is converted by libvirt and by us, and the two must agree semantically, modulo the deviations
 * of test/xmcfg/xmcfg-deviations.ts and the referee-only ones below, each argued. Then each of our
 * fixture conversions is defined on xenrig1 (as `xr-xm-<label>`) and removed: libxl accepts them;
 * and an xm config booting the rig's tiny PV guest is converted, defined and started to READY.
 * Not exercised here: PCI passthrough (no IOMMU under TCG), pygrub (no bootable disk image).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertXmConfigText } from '../../src/convert/from-xmcfg.js';
import { modelToXml } from '../../src/convert/model-to-xml.js';
import type { XmDialect } from '../../src/xmcfg/index.js';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenRig } from '../xen-rig/xen-rig.js';
import { lineDiff } from '../convert/semantic-xml.js';
import { compareXmXml, REFEREE_DEVIATIONS, REFEREE_REFUSALS } from '../xmcfg/xmcfg-deviations.js';
import { rigUuid, virsh } from './convert-inputs.js';

const PREFIX = 'xr-xm-';
const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');
const FIXTURES = join(process.cwd(), 'fixtures', 'xmcfg');

interface Input {
  label: string;
  file: string;
  dialect: Exclude<XmDialect, 'auto'>;
}

function inputs(): Input[] {
  const out: Input[] = [];
  for (const [dir, dialect] of [['libvirt-xmconfig', 'xm'], ['libvirt-xmconfig/retired', 'xm'], ['libvirt-xlconfig', 'xl']] as const) {
    const path = join(CORPUS, dir);
    if (!existsSync(path)) continue;
    const label = dir.endsWith('/retired') ? `${dialect}/retired` : dialect;
    for (const f of readdirSync(path).filter((n) => n.endsWith('.cfg')).sort()) out.push({ label: `${label}/${f}`, file: join(path, f), dialect });
  }
  for (const f of readdirSync(FIXTURES).filter((n) => n.endsWith('.cfg') && n !== 'python-code.cfg').sort()) {
    out.push({ label: `fixtures/${f}`, file: join(FIXTURES, f), dialect: f.startsWith('xl-') ? 'xl' : 'xm' });
  }
  return out;
}

announceXenSkip('xm/xl conversion refereed by libvirt 9 on real Xen');
describe.skipIf(xenSkipped)('xm/xl conversion refereed by libvirt 9 on real Xen', () => {
  let rig: XenRig;
  let dir = '';
  const all = inputs();
  if (!existsSync(CORPUS)) console.warn(`SKIPPED the corpus part: ${CORPUS} is absent`);

  beforeAll(async () => {
    rig = await ensureXenRig();
    dir = mkdtempSync(join(tmpdir(), 'xr-xm-'));
  });
  afterAll(async () => {
    if (rig) {
      const list = await virsh(rig, rig.x1, ['list', '--all', '--name']);
      for (const n of list.stdout.split('\n').map((s) => s.trim()).filter((s) => s.startsWith(PREFIX))) await virsh(rig, rig.x1, ['undefine', '--', n]);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('agrees with libvirt on every input, modulo argued deviations', async () => {
    const failures: string[] = [];
    let refereed = 0;
    for (const inp of all) {
      const ours = convertXmConfigText(readFileSync(inp.file), { file: inp.file, dialect: inp.dialect, uuidPath: inp.file });
      const theirs = await virsh(rig, rig.x1, ['domxml-from-native', inp.dialect === 'xl' ? 'xen-xl' : 'xen-xm', inp.file]);
      const refusal = REFEREE_REFUSALS[inp.label];
      if (theirs.exitCode !== 0 || refusal) {
        // libvirt refusing an input we convert is a documented difference, never silent.
        if (!refusal || theirs.exitCode === 0 || !ours.ok) failures.push(`${inp.label}: libvirt ${theirs.exitCode === 0 ? 'accepted' : `refused (${theirs.stderr.trim()})`}, we ${ours.ok ? 'convert' : 'fail'}; documented: ${refusal ?? 'nothing'}`);
        else console.log(`REFUSED by libvirt, read by us: ${inp.label}: ${refusal}`);
        continue;
      }
      if (!ours.ok || !ours.xml) {
        failures.push(`${inp.label}: we failed: ${ours.error?.code} ${ours.error?.message}`);
        continue;
      }
      refereed++;
      const cmp = compareXmXml(theirs.stdout, ours.xml, inp.dialect, inp.file, REFEREE_DEVIATIONS);
      if (!cmp.equal) failures.push(`${inp.label}:\n${lineDiff(cmp.expected, cmp.ours) || `(same lines, different order)\n${cmp.expected}\n---\n${cmp.ours}`}`);
    }
    console.log(`libvirt 9 referee: ${refereed - failures.length}/${refereed} agree, ${all.length - refereed} refused by libvirt as documented (${REFEREE_DEVIATIONS.map((d) => d.id).join(', ')})`);
    for (const f of failures) console.log(`REFEREE ${f}`);
    expect(failures).toEqual([]);
  });

  it('defines every fixture conversion on real libxl', async () => {
    const failures: string[] = [];
    for (const inp of all.filter((i) => i.label.startsWith('fixtures/'))) {
      const r = convertXmConfigText(readFileSync(inp.file), { file: inp.file, dialect: inp.dialect });
      expect(r.ok, inp.label).toBe(true);
      const name = `${PREFIX}${inp.label.replace(/^fixtures\//, '').replace(/\.cfg$/, '')}`;
      const file = join(dir, `${name}.xml`);
      writeFileSync(file, modelToXml({ ...r.domain!, name, uuid: rigUuid(name) }), { mode: 0o600 });
      const def = await virsh(rig, rig.x1, ['define', file]);
      if (def.exitCode !== 0) failures.push(`${name}: ${def.stderr.trim()}`);
      else await virsh(rig, rig.x1, ['undefine', '--', name]);
    }
    expect(failures).toEqual([]);
  });

  it('an unmanaged xm config with no uuid, converted by us, boots on real libxl (the rig kernel, xm syntax end to end)', async () => {
    const name = `${PREFIX}boot`;
    const cfg = join(dir, 'boot.cfg');
    // Written as an admin wrote them: a comment, a continuation line, implicit concatenation, a trailing comma.
    writeFileSync(
      cfg,
      [
        '# booted by xendomains through /etc/xen/auto',
        `name = "${name}"`,
        'memory = 128',
        `kernel = '${rig.guestKernel}'`,
        `ramdisk = '${rig.guestInitrd}'`,
        "extra = 'console=hvc0 ' \\",
        "        'quiet'",
        "vif = [ 'bridge=xenbr0', ]",
        "on_crash = 'destroy'",
        '',
      ].join('\n'),
    );
    const r = convertXmConfigText(readFileSync(cfg), { file: cfg, autostart: true });
    expect(r.error?.message).toBeUndefined();
    expect(r.derivedUuid?.from).toBe(`path ${cfg} and name '${name}'`);
    const xml = join(dir, `${name}.xml`);
    writeFileSync(xml, r.xml!, { mode: 0o600 });
    try {
      const def = await virsh(rig, rig.x1, ['define', xml]);
      expect(def.exitCode, def.stderr).toBe(0);
      expect((await virsh(rig, rig.x1, ['domuuid', name])).stdout.trim()).toBe(r.domain!.uuid);
      await rig.clearConsole(rig.x1, name);
      // The hosts are shared: when another suite's guests hold the memory, the message says so.
      const start = await virsh(rig, rig.x1, ['start', name]);
      expect(start.exitCode, start.stderr).toBe(0);
      await rig.waitForReady(rig.x1, name, 180_000);
    } finally {
      await virsh(rig, rig.x1, ['destroy', '--', name]);
      await virsh(rig, rig.x1, ['undefine', '--', name]);
    }
  }, 300_000);
});
