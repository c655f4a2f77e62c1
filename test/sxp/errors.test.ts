// Every syntax error names the problem, points at the right place, and is typed.
import { describe, expect, it } from 'vitest';
import { Xend2LibxlError } from '../../src/errors.js';
import { SxpSyntaxError } from '../../src/sxp/index.js';
import { plain, syntaxError, where } from './helpers.js';

describe('syntax errors', () => {
  it('are SxpSyntaxError (a Xend2LibxlError) carrying file, position and a hint', () => {
    const e = syntaxError("(domain\n  (name 'web", 'domains/1/config.sxp');
    expect(e).toBeInstanceOf(SxpSyntaxError);
    expect(e).toBeInstanceOf(Xend2LibxlError);
    expect(e.file).toBe('domains/1/config.sxp');
    expect(e.hint).toMatch(/closing '/);
  });

  it('point an unterminated string at its opening quote', () => {
    const e = syntaxError("(domain\n  (name 'web)\n  (memory 512))\n");
    expect(e.code).toBe('SXP_UNTERMINATED_STRING');
    expect(where(e)).toBe('2:9');
    expect(e.message).toContain("the ' opened here");
    expect(where(syntaxError('(a "b\\"c'))).toBe('1:4');
  });

  it('treat a string ending in a lone backslash as unterminated', () => {
    expect(syntaxError("(a 'b\\").code).toBe('SXP_UNTERMINATED_STRING');
  });

  it('report a stray closing parenthesis where it is', () => {
    const e = syntaxError('(a b))\n');
    expect(e.code).toBe('SXP_UNEXPECTED_CLOSE');
    expect(where(e)).toBe('1:6');
    expect(where(syntaxError(')'))).toBe('1:1');
  });

  it('name the unclosed list and where it opened at end of input, placed after the last token', () => {
    const e = syntaxError('(domain\n    (name web)\n    (image (linux (kernel /boot/vmlinuz)\n');
    expect(e.code).toBe('SXP_UNEXPECTED_EOF');
    expect(e.message).toBe(
      "unexpected end of input: list '(linux' opened at line 3, column 12 is not closed (nor are the 2 lists around it: '(image' at 3:5, '(domain' at 1:1)",
    );
    expect(where(e)).toBe('3:41');
    expect(Number.isFinite(e.position?.offset)).toBe(true);
  });

  it('handle end of input right after an opening parenthesis and inside trailing comments', () => {
    expect(syntaxError('(').message).toBe("unexpected end of input: list '(' opened at line 1, column 1 is not closed");
    expect(where(syntaxError('(a # (\n'))).toBe('1:3');
  });

  it('treat Ctrl-D inside a list as an unexpected end of text', () => {
    const e = syntaxError('(a (b \x04 c))');
    expect(e.code).toBe('SXP_UNEXPECTED_EOF');
    expect(e.message).toMatch(/Ctrl-D.*'\(b' opened at line 1, column 4/);
    expect(where(e)).toBe('1:7');
  });

  it('reject characters that cannot start a token, naming them', () => {
    const e = syntaxError('(name\n  é)');
    expect(e.code).toBe('SXP_INVALID_CHARACTER');
    expect(where(e)).toBe('2:3');
    expect(e.message).toContain('U+00E9');
    expect(syntaxError('(a \x01)').message).toContain('U+0001');
    expect(syntaxError('(a \x7f)').code).toBe('SXP_INVALID_CHARACTER');
    expect(syntaxError(Buffer.from([0x28, 0xc3, 0xa9, 0x29])).code).toBe('SXP_INVALID_CHARACTER');
  });

  it('report an empty or comment-only file as "no configuration found"', () => {
    for (const text of ['', '   \n\t', '# xend\n# nothing here\n', '\x04(a)']) {
      const e = syntaxError(text);
      expect(e.code).toBe('SXP_NO_CONFIGURATION');
      expect(e.message).toMatch(/^no configuration found/);
      expect(where(e)).toBe('1:1');
    }
  });

  it.each([
    ["(a 'x\\q')", "invalid escape '\\q'"],
    ["(a 'x\\x4')", "'\\x4'"],
    ["(a 'x\\xg1')", "'\\x'"],
    ["(a '\\400')", 'larger than 255'],
  ])('reject the invalid escape in %s at its backslash', (text, fragment) => {
    const e = syntaxError(text);
    expect(e.code).toBe('SXP_INVALID_ESCAPE');
    expect(e.message).toContain(fragment);
    expect(e.position?.column).toBe(text.indexOf('\\') + 1);
  });

  it('name an unprintable escaped character by its code point (a backslash-newline continuation)', () => {
    const e = syntaxError("(args 'a \\\nb')");
    expect(e.message).toBe("invalid escape '\\' followed by U+000A in quoted string");
    expect(where(e)).toBe('1:10');
  });

  it('report escape errors on later lines at the right line and column', () => {
    const e = syntaxError("(a\n (b 'ok\n  x\\z'))");
    expect(where(e)).toBe('3:4');
  });

  it('report the first problem in the file when there are several', () => {
    expect(syntaxError('(a)) é').code).toBe('SXP_UNEXPECTED_CLOSE');
    expect(syntaxError("(a é) 'x").code).toBe('SXP_INVALID_CHARACTER');
  });

  it('refuse nesting deeper than any xend config instead of overflowing the stack', () => {
    const e = syntaxError('(a\n' + '('.repeat(100_000) + ')'.repeat(100_000) + ')');
    expect(e.code).toBe('SXP_TOO_DEEP');
    expect(where(e)).toBe('2:128');
    expect(plain('('.repeat(128) + ')'.repeat(128))).toHaveLength(1);
  });

  it('leave the shared parser usable after an error', () => {
    syntaxError('(a (b');
    expect(() => syntaxError('(a)')).toThrow(/expected a syntax error/);
  });
});
