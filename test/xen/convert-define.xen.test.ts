/**
 * Issue 12 (a)+(e) on real Xen 4.17 / libvirt 9 libxl: every fixtures/sxp conversion and every
 * balanced libvirt sexpr2xml corpus input, converted with our converter, DEFINES on xenrig1; the
 * read-back (`dumpxml --inactive --security-info`) is compared with what we wrote and every
 * difference must be classified by src/convert/libxl-readback.ts (docs/libxl-readback.md): the
 * suite fails on a loss or on anything unclassified. Substituted: the name (`xr-conv-<label>`)
 * and the uuid (derived from that name), so the shared hosts never see two domains collide.
 * Then the fixed-VNC-port, loader, SPICE and discard behaviour, each proved on libxl itself (a
 * guest with a fixed VNC port, and one with SPICE, are started: qemu listens on exactly those ports).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertSxpText } from '../../src/convert/api.js';
import { compareReadback, describeDifference, type ReadbackDifference } from '../../src/convert/libxl-readback.js';
import { modelToXml } from '../../src/convert/model-to-xml.js';
import { announceXenSkip, ensureXenRig, xenSkipped, type XenRig } from '../xen-rig/xen-rig.js';
import { onRig, PREFIX, removeOurDomains, rigInputs, rigUuid, virsh } from './convert-inputs.js';

announceXenSkip('converter on real libxl: define + read-back');
describe.skipIf(xenSkipped)('converter on real libxl: define + read-back', () => {
  let rig: XenRig;
  let dir = '';
  const { inputs, corpusNote } = rigInputs();

  beforeAll(async () => {
    rig = await ensureXenRig();
    dir = mkdtempSync(join(tmpdir(), 'xr-conv-'));
    await removeOurDomains(rig, rig.x1);
  });
  afterAll(async () => {
    if (rig) await removeOurDomains(rig, rig.x1);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** define → dumpxml --inactive --security-info → undefine; returns the read-back. */
  async function roundTrip(name: string, xml: string): Promise<{ error?: string; back?: string }> {
    const file = join(dir, `${name}.xml`);
    writeFileSync(file, xml, { mode: 0o600 });
    const def = await virsh(rig, rig.x1, ['define', file]);
    if (def.exitCode !== 0) return { error: def.stderr.trim() };
    const dump = await virsh(rig, rig.x1, ['dumpxml', '--inactive', '--security-info', '--', name]);
    const undef = await virsh(rig, rig.x1, ['undefine', '--', name]);
    expect(undef.exitCode, undef.stderr).toBe(0);
    return dump.exitCode === 0 ? { back: dump.stdout } : { error: dump.stderr.trim() };
  }

  it('every fixture and balanced corpus conversion defines; every read-back difference is classified, none is a loss', async () => {
    if (corpusNote) console.warn(corpusNote);
    const failures: string[] = [];
    const byRule = new Map<string, number>();
    let defined = 0;
    for (const input of inputs) {
      const r = input.result;
      if (!r.ok || !r.domain) {
        failures.push(`${input.label}: did not convert: ${r.error?.message}`);
        continue;
      }
      const m = onRig(r.domain, input.label);
      const xml = modelToXml(m);
      const { error, back } = await roundTrip(m.name, xml);
      if (error || !back) {
        failures.push(`${input.label}: define/dumpxml failed: ${error}`);
        continue;
      }
      defined++;
      const c = compareReadback(xml, back);
      for (const d of c.differences) byRule.set(`${d.class}/${d.rule}`, (byRule.get(`${d.class}/${d.rule}`) ?? 0) + 1);
      failures.push(...[...c.losses, ...c.unclassified].map((d: ReadbackDifference) => `${input.label}: ${describeDifference(d)}`));
    }
    console.log(`defined on real libxl: ${defined}/${inputs.length} (${inputs.filter((i) => i.origin === 'fixture').length} fixtures, ${inputs.filter((i) => i.origin === 'corpus').length} corpus)`);
    console.log(`read-back differences by class/rule: ${JSON.stringify(Object.fromEntries([...byRule].sort()))}`);
    expect(failures).toEqual([]);
    expect(inputs.filter((i) => i.origin === 'fixture').length).toBeGreaterThanOrEqual(17);
    if (!corpusNote) expect(inputs.filter((i) => i.origin === 'corpus').length).toBe(46);
  });

  const hvm = (extra: string, devices = '') =>
    `(domain (name x) (uuid 596a5d2171f48fb2e068e2386a5c413e) (memory 128) (image (hvm (kernel /usr/lib/xen/boot/hvmloader) (boot c) ${extra})) ${devices})`;
  const convertOnRig = (sxp: string, label: string) => {
    const r = convertSxpText(sxp);
    if (!r.ok || !r.domain) throw new Error(r.error?.message);
    const m = onRig(r.domain, label);
    return { m, xml: modelToXml(m) };
  };

  it("a fixed VNC port survives: autoport='no' port=N comes back unchanged, while libxl turns autoport='yes' port=N into -1", async () => {
    const { m, xml } = convertOnRig(hvm('', '(device (vfb (type vnc) (vncdisplay 25) (vncunused 1)))'), 'vnc-fixed');
    expect(xml).toContain('port="5925" autoport="no"');
    const ours = await roundTrip(m.name, xml);
    expect(ours.error).toBeUndefined();
    expect(ours.back).toMatch(/<graphics type='vnc' port='5925' autoport='no'/);
    // What the converter wrote before issue 12 e, to prove the rule is libxl's and not ours.
    const old = await roundTrip(m.name, xml.replace('autoport="no"', 'autoport="yes"'));
    expect(old.back).toMatch(/<graphics type='vnc' port='-1' autoport='yes'/);
    expect(compareReadback(xml.replace('autoport="no"', 'autoport="yes"'), old.back ?? '').losses.map((d) => d.rule)).toEqual(['vnc-autoport-port-discarded']);
  });

  it('no <loader> is needed: libvirt keeps none, and a rom loader path is only stored, never checked (Debian has no /usr/lib/xen/boot)', async () => {
    const { m, xml } = convertOnRig(hvm('(acpi 1)'), 'no-loader');
    expect(xml).not.toContain('<loader');
    const back = await roundTrip(m.name, xml);
    expect(back.back).not.toContain('<loader');
    expect(await rig.sh(rig.x1, 'ls /usr/lib/xen/boot/hvmloader /usr/lib/xen-4.17/boot/hvmloader 2>&1')).toMatch(/cannot access '\/usr\/lib\/xen\/boot\/hvmloader'[\s\S]*\n\/usr\/lib\/xen-4\.17\/boot\/hvmloader/);
    const withLoader = xml.replace('<type arch="x86_64" machine="xenfv">hvm</type>', '<type arch="x86_64" machine="xenfv">hvm</type><loader type="rom">/usr/lib/xen/boot/hvmloader</loader>');
    expect(withLoader).toContain('<loader');
    const stored = await roundTrip(m.name, withLoader);
    expect(stored.back).toContain("<loader type='rom'>/usr/lib/xen/boot/hvmloader</loader>");
  });

  it("SPICE and disk discard define and read back as written (libvirt's libxl driver accepts both)", async () => {
    const { m, xml } = convertOnRig(
      hvm("(spice 1) (spiceport 6100) (spicehost 127.0.0.1) (spicepasswd 'sp!ce')", '(device (vbd (uname file:/var/tmp/xr-conv-none.img) (dev hda) (mode w) (discard-enable 0)))'),
      'spice-discard',
    );
    expect(xml).toContain('<graphics type="spice" port="6100" autoport="no" listen="127.0.0.1" passwd="sp!ce">');
    expect(xml).toContain('discard="ignore"');
    const { back, error } = await roundTrip(m.name, xml);
    expect(error).toBeUndefined();
    expect(back).toMatch(/<graphics type='spice' port='6100' autoport='no' listen='127\.0\.0\.1' passwd='sp!ce'>/);
    expect(back).toMatch(/<driver name='qemu' type='raw' discard='ignore'\/>/);
    expect(compareReadback(xml, back ?? '').ok).toBe(true);
  });

  /** Start a converted HVM guest (128 MiB, no disk) and return what dom0 listens on once `ports` are up. */
  async function startAndListen(label: string, sxp: string, ports: number[]): Promise<string> {
    const { m, xml } = convertOnRig(sxp, label);
    const file = join(dir, `${m.name}.xml`);
    writeFileSync(file, xml, { mode: 0o600 });
    expect((await virsh(rig, rig.x1, ['define', file])).exitCode).toBe(0);
    try {
      const st = await virsh(rig, rig.x1, ['start', '--', m.name], 300_000);
      expect(st.exitCode, st.stderr).toBe(0);
      let listening = '';
      for (let i = 0; i < 30 && !ports.every((p) => listening.includes(`127.0.0.1:${p} `)); i++) {
        await new Promise((r) => setTimeout(r, 1000));
        listening = await rig.sh(rig.x1, 'ss -ltn');
      }
      return listening;
    } finally {
      expect((await virsh(rig, rig.x1, ['destroy', '--', m.name])).exitCode).toBe(0);
      await virsh(rig, rig.x1, ['undefine', '--', m.name]);
    }
  }

  it('a converted HVM guest with a fixed VNC port starts and qemu listens on exactly that port', async () => {
    const listening = await startAndListen('vnc-port', hvm('', '(device (vfb (type vnc) (vncdisplay 26) (vncunused 1) (vnclisten 127.0.0.1)))'), [5926]);
    expect(listening).toMatch(/127\.0\.0\.1:5926 /);
  });

  it('a converted SPICE guest starts and listens on its port; with SPICE libxl gives no VNC, which is why the converter drops it', async () => {
    const r = convertSxpText(hvm('(spice 1) (spiceport 6101) (spicehost 127.0.0.1)', '(device (vfb (type vnc) (vncdisplay 27) (vnclisten 127.0.0.1)))'));
    expect(r.warnings.map((w) => w.code)).toContain('GRAPHICS_EXTRA_DROPPED');
    const listening = await startAndListen('spice', hvm('(spice 1) (spiceport 6101) (spicehost 127.0.0.1)'), [6101]);
    expect(listening).toMatch(/127\.0\.0\.1:6101 /);
    // The libxl behaviour behind the drop: the same guest written with both displays gets SPICE only.
    const both = onRig(r.domain as NonNullable<typeof r.domain>, 'spice-vnc');
    both.graphics.unshift({ type: 'vnc', port: 5927, listen: '127.0.0.1' });
    const file = join(dir, `${both.name}.xml`);
    writeFileSync(file, modelToXml(both), { mode: 0o600 });
    expect((await virsh(rig, rig.x1, ['define', file])).exitCode).toBe(0);
    try {
      expect((await virsh(rig, rig.x1, ['start', '--', both.name], 300_000)).exitCode).toBe(0);
      const domid = (await virsh(rig, rig.x1, ['domid', '--', both.name])).stdout.trim();
      const args = await rig.sh(rig.x1, `ps -eo args | grep -- '-xen-domid ${Number(domid)} ' | grep -v grep`);
      expect(args).toMatch(/-vnc none/);
      expect(args).toMatch(/-spice port=6101/);
    } finally {
      await virsh(rig, rig.x1, ['destroy', '--', both.name]);
      await virsh(rig, rig.x1, ['undefine', '--', both.name]);
    }
  });

  it('the names used here are ours', () => {
    expect(inputs.every((i) => `${PREFIX}${i.label}`.startsWith('xr-conv-'))).toBe(true);
    expect(rigUuid('xr-conv-a')).not.toBe(rigUuid('xr-conv-b'));
  });
});
