/**
 * xend vif `rate` → libvirt `<bandwidth><outbound average>` (KiB/s).
 *
 * Two input forms: what the user wrote (`10MB/s`, `100Mb/s@20ms`; xend's
 * multipliers are decimal) and the runtime form xend stored for running
 * domains (`"<bytes per interval>,<interval µs>"`). libvirt's libxl driver turns
 * `average` back into bytes with ×1024, so we divide the real byte rate by 1024
 * to hand the guest the same bandwidth it had under xend.
 */
export function parseVifRate(rate: string): number | undefined {
  const s = rate.trim();
  const runtime = /^(\d+),(\d+)$/.exec(s);
  if (runtime) {
    const bytes = Number(runtime[1]);
    const us = Number(runtime[2]);
    if (us === 0) return undefined;
    return toKiB((bytes * 1_000_000) / us);
  }
  const m = /^(\d+(?:\.\d+)?)([GMK]?)([Bb])\/s(?:@(\d+)([mu]?)s)?$/.exec(s);
  if (!m) return undefined;
  const mult = m[2] === 'G' ? 1e9 : m[2] === 'M' ? 1e6 : m[2] === 'K' ? 1e3 : 1;
  const bytesPerSec = (Number(m[1]) * mult) / (m[3] === 'b' ? 8 : 1);
  return toKiB(bytesPerSec);
}

function toKiB(bytesPerSec: number): number {
  return Math.max(1, Math.round(bytesPerSec / 1024));
}
