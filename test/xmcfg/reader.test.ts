// The xm/xl config reader: Python literals as data, xl's dialect, and code refused at FILE:LINE:COL with the --dryrun hint.
import { describe, expect, it } from 'vitest';
import { Xend2LibxlError } from '../../src/errors.js';
import { looksLikeXmConfig, parseXmConfig, settingValue, XmcfgSyntaxError, type XmDialect, type XmValue } from '../../src/xmcfg/index.js';

function plain(v: XmValue | undefined): unknown {
  if (!v) return undefined;
  if (v.kind === 'list') return v.items.map(plain);
  if (v.kind === 'none') return null;
  return v.value;
}
const values = (text: string, dialect?: XmDialect) => {
  const cfg = parseXmConfig(text, { dialect });
  return Object.fromEntries([...new Set(cfg.settings.map((s) => s.key))].map((k) => [k, plain(settingValue(cfg, k))]));
};
function failure(text: string, dialect?: XmDialect, file = '/etc/xen/web.cfg'): XmcfgSyntaxError {
  try {
    parseXmConfig(text, { file, dialect });
  } catch (e) {
    expect(e).toBeInstanceOf(XmcfgSyntaxError);
    expect(e).toBeInstanceOf(Xend2LibxlError);
    return e as XmcfgSyntaxError;
  }
  throw new Error(`parsed without error: ${text}`);
}
const where = (e: XmcfgSyntaxError) => `${e.position?.line}:${e.position?.column}`;

describe('xm config literals', () => {
  it('reads strings in every quoting with Python escapes and implicit concatenation', () => {
    expect(values(`a = "x" 'y'\nb = r'\\d+'\nc = """one\ntwo"""\nd = 'tab\\there\\x41\\101\\q'\ne = u'\\u00e9'\nf = "joined \\\nline"`)).toEqual({
      a: 'xy',
      b: '\\d+',
      c: 'one\ntwo',
      d: 'tab\there' + 'AA\\q',
      e: 'é',
      f: 'joined line',
    });
  });

  it('reads integers in every base, floats, longs, negatives and the Python constants', () => {
    expect(values('a = 42\nb = 0x2A\nc = 052\nd = 0o52\ne = 0b101010\nf = 42L\ng = 1.5\nh = -7\ni = True\nj = False\nk = None')).toEqual({ a: 42, b: 42, c: 42, d: 42, e: 42, f: 42, g: 1.5, h: -7, i: true, j: false, k: null });
  });

  it('reads nested lists and tuples spanning lines, with trailing commas and comments inside', () => {
    expect(values("disk = [ 'phy:/dev/vg/a,xvda,w',   # root\n         'file:/b.img,xvdb,r', ]\ncpus = [[0, 1], (2, 3,), ()]\nx = ('just parenthesised')")).toEqual({
      disk: ['phy:/dev/vg/a,xvda,w', 'file:/b.img,xvdb,r'],
      cpus: [[0, 1], [2, 3], []],
      x: 'just parenthesised',
    });
  });

  it('lets the last assignment win, ; separate statements and \\ continue lines', () => {
    expect(values('memory = 256 ; vcpus = 2\nmemory = \\\n  512\n')).toEqual({ memory: 512, vcpus: 2 });
  });

  it('keeps the position of each value', () => {
    const cfg = parseXmConfig('# comment\nname = "web"\ndisk = [\n  "a",\n  "b" ]\n');
    const disk = settingValue(cfg, 'disk');
    expect(disk?.kind === 'list' && disk.items.map((i) => `${i.pos.line}:${i.pos.column}`)).toEqual(['4:3', '5:3']);
    expect(cfg.settings[0].keyPos).toMatchObject({ line: 2, column: 1 });
  });
});

describe('Python code is refused, never run', () => {
  const cases: [string, string, RegExp][] = [
    ['name = "web"\nimport os\n', '2:1', /Python 'import' statement/],
    ['name = "vm%d" % 3\n', '1:15', /string formatting/],
    ['memory = 256 * 2\n', '1:14', /arithmetic \('\*'\)/],
    ['memory = 256 + 2\n', '1:14', /arithmetic \('\+'\)/],
    ["disk = [ 'phy:/dev/vg/%s,xvda,w' % name ]\n", '1:34', /string formatting/],
    ['name = vmname\n', '1:8', /Python variable \('vmname'\)/],
    ['name = os.getenv("X")\n', '1:8', /attribute or method call/],
    ['name = str(3)\n', '1:8', /function call \('str\(…\)'\)/],
    ['if arch == "x86_64":\n  kernel = "/boot/a"\n', '1:1', /Python 'if' statement/],
    ['for i in range(2): pass\n', '1:1', /Python 'for' statement/],
    ['def f(): pass\n', '1:1', /Python 'def' statement/],
    ['vif = ["a"] + ["b"]\n', '1:13', /arithmetic/],
    ['x = {"a": 1}\n', '1:5', /dict/],
    ['x = "abc"[0]\n', '1:10', /indexing/],
    ['memory = 2 ** 9\n', '1:12', /arithmetic/],
    ['print "hello"\n', '1:1', /Python 'print' statement/],
    ['a = b = 1\n', '1:5', /Python variable \('b'\)/],
  ];
  it.each(cases)('%j → %s', (text, pos, what) => {
    const e = failure(text, 'xm');
    expect(e.code).toBe('XMCFG_PYTHON_CODE');
    expect(where(e)).toBe(pos);
    expect(e.message).toMatch(what);
    expect(e.file).toBe('/etc/xen/web.cfg');
    expect(e.hint).toBe('let xm evaluate it on the xend host: `xm create --quiet --dryrun /etc/xen/web.cfg > web.sxp`, then convert web.sxp (or replace the code by the values it computes)');
  });

  it('refuses += in an xm file (arithmetic on a variable) and names it', () => {
    const e = failure('disk = []\ndisk += ["x"]\n', 'xm');
    expect(e.code).toBe('XMCFG_PYTHON_CODE');
    expect(where(e)).toBe('2:6');
  });
});

describe('other syntax errors', () => {
  it('points an unterminated string at its opening quote', () => {
    const e = failure('name = "web\nmemory = 1\n');
    expect(e.code).toBe('XMCFG_UNTERMINATED_STRING');
    expect(where(e)).toBe('1:8');
  });

  it('names the list an early end of file left open, and where it opened', () => {
    const e = failure("name = 'a'\ndisk = [ 'a',\n  'b'\n");
    expect(e.code).toBe('XMCFG_UNCLOSED_LIST');
    expect(e.message).toBe("unexpected end of file: the '[' opened at line 2, column 8 is not closed");
    expect(where(e)).toBe('3:6');
  });

  it('reports a stray bracket, a missing value, an invalid character and an empty file', () => {
    expect(failure('a = 1 ]\n').code).toBe('XMCFG_UNEXPECTED_TOKEN');
    expect(where(failure('a = 1 ]\n'))).toBe('1:7');
    expect(failure('a =\nb = 2\n').message).toBe('the setting has no value');
    const inv = failure('a = 1\n\x01');
    expect(inv.code).toBe('XMCFG_INVALID_CHARACTER');
    expect(where(inv)).toBe('2:1');
    expect(failure('# only comments\n\n').code).toBe('XMCFG_NO_SETTINGS');
    expect(failure('disk = ["a" "b" , , ]\n', 'xl').code).toBe('XMCFG_NOT_XL');
  });

  it('refuses absurd nesting with an error, not a stack overflow', () => {
    expect(failure(`a = ${'['.repeat(5000)}${']'.repeat(5000)}\n`).code).toBe('XMCFG_TOO_DEEP');
  });
});

describe('xl dialect', () => {
  it('appends with += to a list, reads numbers and lists like libxlu', () => {
    expect(values('disk = [ "a" ]\ndisk += [ "b", ]\nmemory = 0x200\n', 'xl')).toEqual({ disk: ['a', 'b'], memory: 512 });
  });

  it('refuses Python-only syntax with XMCFG_NOT_XL at the construct', () => {
    for (const [text, pos] of [
      ['a = True\n', '1:5'],
      ['a = (1, 2)\n', '1:5'],
      ['a = "x" "y"\n', '1:9'],
      ['a = """x"""\n', '1:5'],
      ["a = r'x'\n", '1:5'],
    ] as const) {
      const e = failure(text, 'xl');
      expect(e.code, text).toBe('XMCFG_NOT_XL');
      expect(where(e), text).toBe(pos);
    }
  });

  it('says code is not a setting, without the xm --dryrun hint', () => {
    const e = failure('memory = 256 * 2\n', 'xl');
    expect(e.code).toBe('XMCFG_PYTHON_CODE');
    expect(e.hint).not.toMatch(/dryrun/);
  });

  it('auto accepts either dialect', () => {
    expect(values('acpi = True\ndisk = ["a"]\ndisk += ["b"]\n')).toEqual({ acpi: true, disk: ['a', 'b'] });
  });

  it('tells an xm/xl config from SXP by its first setting', () => {
    expect(looksLikeXmConfig('# c\n\n  name = "x"\n')).toBe(true);
    expect(looksLikeXmConfig(Buffer.from('disk += [ "a" ]'))).toBe(true);
    expect(looksLikeXmConfig('# c\n(domain (name x))')).toBe(false);
    expect(looksLikeXmConfig('Using config file "./web.cfg".\n(vm (name web))')).toBe(false);
  });
});
