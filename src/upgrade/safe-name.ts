import { createHash } from 'node:crypto';

/**
 * A file name derived from a domain name or xend entry that cannot escape the
 * backup dir or collide: hostile names (`../x`, `$(rm -rf /)`, spaces) become
 * a readable slug plus a hash of the original.
 */
export function safeFileStem(original: string): string {
  const slug = original.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[.]+/, '_').slice(0, 60) || '_';
  return `${slug}-${sha256(original).slice(0, 8)}`;
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
