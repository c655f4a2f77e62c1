// xend's lookup semantics on parsed documents: first occurrence wins, the three
// spellings of "empty" agree, and values keep their source positions.
import { describe, expect, it } from 'vitest';
import { child, childAtom, childNode, children, childString, isList, nameOf, parseSxp, type SxpList } from '../../src/sxp/index.js';

function domain(text: string): SxpList {
  const form = parseSxp(text).forms[0];
  if (!isList(form)) throw new Error('expected a list');
  return form;
}

describe('accessors on parsed configs', () => {
  const dom = domain("(domain\n    (name first)\n    (memory 512 1024)\n    (name second)\n    (kernel)\n    (ramdisk )\n    (args '')\n    (device (vbd (dev xvda)))\n    (device (vif (mac 00:16:3e:00:00:01)))\n)");

  it('take the first child with a key, and its first value (xend child_value)', () => {
    expect(childString(dom, 'name')).toBe('first');
    expect(childString(dom, 'memory')).toBe('512');
  });
  it("treat (k), (k ) and (k '') alike as empty", () => {
    for (const key of ['kernel', 'ramdisk', 'args']) expect(childString(dom, key)).toBeUndefined();
    expect(childNode(dom, 'kernel')).toBeUndefined();
    expect(childAtom(dom, 'args')?.value).toBe('');
  });
  it('keep the position of the value for warnings', () => {
    expect(childAtom(dom, 'memory')?.pos).toEqual({ line: 3, column: 13, offset: 37 });
  });
  it('list every child with a key, in order', () => {
    expect(children(dom, 'device').map((d) => nameOf(d.items[1]))).toEqual(['vbd', 'vif']);
    expect(child(dom, 'device')?.pos.line).toBe(8);
  });
});
