import { describe, expect, it } from 'vitest';
import { palette, shouldUseColor, stripAnsi } from '../../src/ui/color.js';

const tty = { write: () => true, isTTY: true };
const pipe = { write: () => true, isTTY: false };

describe('colour decision (ours, not chalk\'s)', () => {
  it('colours a TTY by default and never a pipe', () => {
    expect(shouldUseColor({ env: { TERM: 'xterm-256color' }, stream: tty })).toBe(true);
    expect(shouldUseColor({ env: { TERM: 'xterm-256color' }, stream: pipe })).toBe(false);
  });
  it('honours NO_COLOR on a TTY, even when FORCE_COLOR is also set', () => {
    expect(shouldUseColor({ env: { NO_COLOR: '1' }, stream: tty })).toBe(false);
    expect(shouldUseColor({ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, stream: tty })).toBe(false);
  });
  it('ignores an empty NO_COLOR, as no-color.org specifies', () => {
    expect(shouldUseColor({ env: { NO_COLOR: '' }, stream: tty })).toBe(true);
  });
  it('FORCE_COLOR forces colour on a pipe; FORCE_COLOR=0 turns it off on a TTY', () => {
    expect(shouldUseColor({ env: { FORCE_COLOR: '1' }, stream: pipe })).toBe(true);
    expect(shouldUseColor({ env: { FORCE_COLOR: '0' }, stream: tty })).toBe(false);
  });
  it('--no-color beats FORCE_COLOR; TERM=dumb disables', () => {
    expect(shouldUseColor({ env: { FORCE_COLOR: '1' }, stream: tty, flag: false })).toBe(false);
    expect(shouldUseColor({ env: { TERM: 'dumb' }, stream: tty })).toBe(false);
  });
  it('palette adds SGR codes only when enabled', () => {
    expect(palette(false).red('x')).toBe('x');
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
    expect(stripAnsi(palette(true).bold(palette(true).red('x')))).toBe('x');
  });
});
