/**
 * Classify virsh failures by libvirt's own error texts (virsh runs with LC_ALL=C,
 * so these prefixes are stable). The migration code decides on these kinds:
 * "unsupported" switches the cancel strategy, "not-found" means a host has no copy.
 *
 * Kept here until the shared libvirt layer's LibvirtError covers every kind used by
 * migration (aborted, job-inactive); the names match its `kind` values on purpose.
 */
import type { VirshResult } from '../libvirt/runner.js';
import { Xend2LibxlError } from '../errors.js';

export type VirshFailureKind =
  | 'not-found'
  | 'invalid-state'
  | 'unsupported'
  | 'connection'
  | 'timeout'
  | 'aborted'
  | 'failed';

const PATTERNS: ReadonlyArray<[VirshFailureKind, RegExp]> = [
  // virDomainAbortJob / MigrateSetMaxSpeed on libxl: "this function is not supported by the connection driver: virDomainAbortJob"
  ['unsupported', /not supported by the connection driver|argument unsupported|Operation not supported|unsupported flags|unsupported configuration/i],
  ['not-found', /Domain not found|failed to get domain|no domain with matching/i],
  ['aborted', /operation aborted|canceled by client|cancelled by client/i],
  ['connection', /failed to connect to the hypervisor|Cannot recv data|End of file while reading data|Connection refused|Cannot write data|unable to connect to server|no connection driver available|client socket is closed|Broken pipe/i],
  ['invalid-state', /Requested operation is not valid|domain is not running|no job is active|not in a paused state|domain is already running|another migration job is already running|cannot acquire state change lock|Timed out during operation/i],
];

/** Kind of a finished virsh call's failure, or null when it succeeded. */
export function classifyVirsh(r: VirshResult): VirshFailureKind | null {
  if (r.timedOut) return 'timeout';
  if (r.exitCode === 0) return null;
  return classifyText(r.stderr);
}

export function classifyText(stderr: string): VirshFailureKind {
  for (const [kind, re] of PATTERNS) if (re.test(stderr)) return kind;
  return 'failed';
}

/** The `error: ...` lines of virsh's stderr, joined; the whole stderr when there are none. */
export function virshMessage(r: VirshResult): string {
  if (r.timedOut) return `virsh did not answer within ${Math.round(r.durationMs / 1000)} s (${r.argv.slice(1).join(' ')})`;
  // `virsh migrate --verbose` writes \r-separated progress and then the error on the same line.
  const errors = [...r.stderr.matchAll(/error:\s*([^\r\n]*)/g)].map((m) => m[1].trim()).filter(Boolean);
  const text = errors.length ? errors.join(': ') : r.stderr.replace(/Migration: \[[^\]]*\]/g, '').trim();
  return text || `virsh exited with code ${r.exitCode}`;
}

/** A virsh call that failed, with its kind so callers can decide without string matching. */
export class VirshCallError extends Xend2LibxlError {
  readonly kind: VirshFailureKind;
  readonly result: VirshResult;
  constructor(result: VirshResult, what: string) {
    const kind = classifyVirsh(result) ?? 'failed';
    super(`VIRSH_${kind.toUpperCase().replace('-', '_')}`, `${what}: ${virshMessage(result)}`);
    this.kind = kind;
    this.result = result;
  }
}
