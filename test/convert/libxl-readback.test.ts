/**
 * The read-back classifier (src/convert/libxl-readback.ts) on small documents and on the
 * read-backs ../shared/xen-lab recorded from real libxl with the converter as it was then
 * (autoport='yes' port=N, dumpxml without --security-info). The live proof is
 * test/xen/convert-define.xen.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareReadback, describeDifference, READBACK_RULES } from '../../src/convert/libxl-readback.js';

const dom = (body: string, devices = '') => `<domain type='xen'><name>d</name><uuid>596a5d21-71f4-8fb2-e068-e2386a5c413e</uuid><memory unit='KiB'>262144</memory>${body}<devices>${devices}</devices></domain>`;
const DISK = `<disk type='block' device='disk'><driver name='phy' type='raw'/><source dev='/dev/vg/a'/><target dev='hda' bus='ide'/></disk>`;
const DISK_BACK = `<disk type='block' device='disk'><driver name='phy' type='raw'/><source dev='/dev/vg/a'/><target dev='hda' bus='ide'/><address type='drive' controller='0' bus='0' target='0' unit='0'/></disk>`;

describe('compareReadback', () => {
  it("classifies what libvirt's libxl driver adds as defaults, order and quoting ignored", () => {
    const c = compareReadback(
      dom('<os><type>hvm</type></os>', `${DISK}<graphics type="vnc" port="5901" autoport="no"/>`),
      dom(
        "<os><type>hvm</type></os><features><pae/></features>",
        `<controller type='xenbus' index='0'/><controller type='ide' index='0'/><graphics autoport='no' port='5901' type='vnc'/>${DISK_BACK}<input type='mouse' bus='ps2'/><input type='keyboard' bus='ps2'/><video><model type='cirrus' vram='8192' heads='1' primary='yes'/></video><memballoon model='xen'/>`,
      ),
    );
    expect(c.ok).toBe(true);
    expect(c.differences.map((d) => d.rule).sort()).toEqual(
      ['default-inputs', 'default-inputs', 'default-video', 'drive-address', 'features-element', 'ide-controller', 'memballoon', 'xenbus-controller'].sort(),
    );
  });

  it('a device, value or attribute that vanished or changed is unclassified: the caller fails', () => {
    const c = compareReadback(dom('<vcpu>2</vcpu>', `${DISK}<interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='br0'/></interface>`), dom('<vcpu>1</vcpu>', `<interface type='bridge'><mac address='00:16:3e:00:00:01'/><source bridge='xenbr0'/></interface>`));
    expect(c.ok).toBe(false);
    expect(c.unclassified.map(describeDifference)).toEqual([
      'UNCLASSIFIED: changed vcpu#text: 2 -> 1',
      "UNCLASSIFIED: removed devices/disk[hda]: <disk type='block' device='disk'>…</disk>",
      'UNCLASSIFIED: changed devices/interface[00:16:3e:00:00:01]/source@bridge: br0 -> xenbr0',
    ]);
  });

  it("a VNC port given with autoport='yes' and read back as -1 is a loss, named", () => {
    const c = compareReadback(dom('', `<graphics type='vnc' port='5925' autoport='yes'/>`), dom('', `<graphics type='vnc' port='-1' autoport='yes'/>`));
    expect(c.ok).toBe(false);
    expect(c.losses.map((d) => [d.rule, d.written, d.readBack])).toEqual([['vnc-autoport-port-discarded', '5925', '-1']]);
  });

  it('a missing password is a normalisation only when the read-back was taken without --security-info', () => {
    const w = dom('', `<graphics type='vnc' port='-1' autoport='yes' passwd='pw'/>`);
    const r = dom('', `<graphics type='vnc' port='-1' autoport='yes'/>`);
    expect(compareReadback(w, r, { securityInfo: false }).ok).toBe(true);
    expect(compareReadback(w, r).unclassified.map((d) => d.path)).toEqual(['devices/graphics[vnc]@passwd']);
  });

  it('refuses text that is not a domain document', () => {
    expect(() => compareReadback('<network/>', dom(''))).toThrow(/domain/);
  });

  it('every rule is documented in docs/libxl-readback.md', () => {
    const doc = readFileSync(join(process.cwd(), 'docs', 'libxl-readback.md'), 'utf8');
    expect(READBACK_RULES.filter((r) => !doc.includes(`\`${r.id}\``)).map((r) => r.id)).toEqual([]);
  });
});

const LAB = join(process.cwd(), '..', 'shared', 'xen-lab', 'results');

if (!existsSync(LAB)) console.warn(`SKIPPED recorded read-backs: ${LAB} is absent`);

describe.skipIf(!existsSync(LAB))('read-backs recorded on real libxl by ../shared/xen-lab (converter before issue 12 e)', () => {
  it('explains every difference; the only losses are the VNC ports written with autoport=yes', () => {
    const losses: string[] = [];
    const unclassified: string[] = [];
    let pairs = 0;
    for (const dir of ['fixtures-hvmhost', 'sexpr2xml-hvmhost']) {
      for (const f of readdirSync(join(LAB, dir)).filter((n) => n.endsWith('.back.xml'))) {
        const label = f.slice(0, -'.back.xml'.length);
        const c = compareReadback(readFileSync(join(LAB, dir, `${label}.in.xml`), 'utf8'), readFileSync(join(LAB, dir, f), 'utf8'), { securityInfo: false });
        pairs++;
        losses.push(...c.losses.map((d) => `${label}: ${d.path} ${d.written}->${d.readBack}`));
        unclassified.push(...c.unclassified.map((d) => `${label}: ${describeDifference(d)}`));
      }
    }
    expect(pairs).toBe(63);
    expect(unclassified).toEqual([]);
    expect(losses.sort()).toEqual([
      'hvm-xm-list-l: devices/graphics[vnc]@port 5925->-1',
      'pv-legacy-image-vnc: devices/graphics[vnc]@port 5907->-1',
      'sexpr2xml-fv-autoport: devices/graphics[vnc]@port 5925->-1',
    ]);
  });
});
