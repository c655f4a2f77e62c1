/**
 * virsh failures for the migration code, classified by the shared libvirt layer's
 * table of libvirt's own error texts (one source of truth): "unsupported" switches
 * the cancel strategy, "not-found" means a host has no copy, "job-inactive" means
 * "no job is active (yet)". Only the message extraction is ours, because `virsh
 * migrate --verbose` prints the error on the same \r-line as its last progress.
 */
import type { VirshResult } from '../libvirt/runner.js';
import { LibvirtError, type LibvirtErrorKind, classifyLibvirtMessage } from '../libvirt/errors.js';

export type VirshFailureKind = LibvirtErrorKind;

/** Kind of a finished virsh call's failure, or null when it succeeded. */
export function classifyVirsh(r: VirshResult): VirshFailureKind | null {
  if (r.timedOut) return 'timeout';
  if (r.exitCode === 0) return null;
  // The operation is the first word that is neither an option nor the value of -c/-k/-K.
  return classifyText(r.stderr, r.argv.find((a, i) => i > 0 && !a.startsWith('-') && !['-c', '-k', '-K'].includes(r.argv[i - 1])) ?? '');
}

export function classifyText(stderr: string, operation = ''): VirshFailureKind {
  return classifyLibvirtMessage(virshText(stderr), operation);
}

function virshText(stderr: string): string {
  // `virsh migrate --verbose` writes \r-separated progress and then the error on the same line.
  const errors = [...stderr.matchAll(/error:\s*([^\r\n]*)/g)].map((m) => m[1].trim()).filter(Boolean);
  return errors.length ? errors.join(': ') : stderr.replace(/Migration: \[[^\]]*\]/g, '').trim();
}

/** libvirt's message from a failed call, without virsh's progress noise. */
export function virshMessage(r: VirshResult): string {
  if (r.timedOut) return `virsh did not answer within ${Math.round(r.durationMs / 1000)} s (${r.argv.slice(1).join(' ')})`;
  return virshText(r.stderr) || `virsh exited with code ${r.exitCode}`;
}

/** A virsh call that failed, as the shared layer's typed error (code LIBVIRT_<KIND>). */
export class VirshCallError extends LibvirtError {
  constructor(result: VirshResult, what: string, ctx: { uri?: string; domain?: string } = {}) {
    super({ operation: what, uri: ctx.uri, domain: ctx.domain, kind: classifyVirsh(result) ?? 'other', message: virshMessage(result), result });
  }
}
