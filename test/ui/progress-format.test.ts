import { describe, expect, it } from 'vitest';
import { describeProgress, formatBar, formatDuration, RateMeter } from '../../src/ui/progress-format.js';

describe('progress formatting', () => {
  it('formats durations like field tools', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(185)).toBe('3m05s');
    expect(formatDuration(3720)).toBe('1h02m');
    expect(formatDuration(Number.NaN)).toBe('?');
  });
  it('draws a bar clamped to its width', () => {
    expect(formatBar(5, 10, 10, '#', '.')).toBe('#####.....');
    expect(formatBar(50, 10, 4, '#', '.')).toBe('####');
    expect(formatBar(0, 0, 3, '#', '.')).toBe('...');
  });
  it('computes rate and ETA from samples, and refuses to guess too early', () => {
    let t = 0;
    const m = new RateMeter(() => t);
    m.sample(0);
    t = 100;
    m.sample(5);
    expect(m.rate()).toBeUndefined();
    t = 2000;
    m.sample(20);
    expect(m.rate()).toBe(10);
    expect(m.eta(100)).toBe(8);
    expect(describeProgress(20, 100, m)).toBe('20/100 (20%)  10/s  ETA 8s');
  });
  it('prefers the caller\'s own detail (e.g. MiB/s from domjobinfo), still adding an ETA unless it has one', () => {
    const m = new RateMeter(() => 0);
    expect(describeProgress(3, undefined, m, '34 MiB/s')).toBe('3  34 MiB/s');
    let t = 0;
    const timed = new RateMeter(() => t);
    timed.sample(0);
    t = 1000;
    timed.sample(10);
    expect(describeProgress(10, 100, timed, '320 files/s')).toBe('10/100 (10%)  320 files/s  ETA 9s');
    expect(describeProgress(10, 100, timed, '34 MiB/s, ETA 12s')).toBe('10/100 (10%)  34 MiB/s, ETA 12s');
  });
});
