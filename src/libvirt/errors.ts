/**
 * virsh failures as typed errors. virsh runs with LC_ALL=C, so libvirt's message
 * texts (virerror.c and the drivers) are stable enough to classify; callers then
 * decide on `kind`, never on strings.
 */
import { Xend2LibxlError } from '../errors.js';
import type { VirshResult } from './runner.js';

export type LibvirtErrorKind =
  /** No such domain (by name or UUID). */
  | 'not-found'
  /** The domain is in the wrong state for this operation (not running, already active, busy). */
  | 'invalid-state'
  /** The driver does not implement this API or flag (libxl: AbortJob, bandwidth, …). */
  | 'unsupported'
  /** No daemon, refused, dropped connection, missing driver. */
  | 'connection'
  /** virsh did not finish in time and was killed. */
  | 'timeout'
  /** A definition libvirt rejected (XML error, schema, unsupported configuration). */
  | 'invalid-definition'
  /** Name or UUID already taken by a different domain. */
  | 'conflict'
  /** Authentication or authorisation refused. */
  | 'permission'
  /** A job (migration) was cancelled. */
  | 'aborted'
  /** domjobinfo/domjobabort with no job running ("no job is active on the domain"). */
  | 'job-inactive'
  | 'other';

/** Ordered: the first matching rule wins. The texts are libvirt's own (see comments for where they come from). */
const RULES: ReadonlyArray<{ kind: LibvirtErrorKind; re: RegExp; only?: readonly string[] }> = [
  // virsh cannot start at all (our runner reports exit 127 this way)
  { kind: 'connection', re: /^cannot run /i },
  // VIR_ERR_NO_DOMAIN "Domain not found: …"; virsh's lookup helper "failed to get domain 'x'"; qemu/libxl "no domain with matching uuid"
  { kind: 'not-found', re: /Domain not found|failed to get domain|no domain with matching (name|uuid|id)/i },
  // define: VIR_ERR_XML_ERROR "XML error: …", VIR_ERR_XML_DETAIL, schema validation, VIR_ERR_CONFIG_UNSUPPORTED
  {
    kind: 'invalid-definition',
    re: /XML error|XML document failed to validate|failed to parse xml|\(domain_definition\)|unsupported configuration|Unable to validate doc|invalid argument: could not find capabilities|unknown OS type/i,
    only: ['define'],
  },
  // virDomainObjListAdd: "domain 'x' already exists with uuid …" / "is already defined with uuid …"
  { kind: 'conflict', re: /already exists with uuid|is already defined with uuid|already exists with (name|id)/i },
  // VIR_ERR_NO_SUPPORT "this function is not supported by the connection driver: virDomainAbortJob"
  {
    kind: 'unsupported',
    re: /not supported by the connection driver|Operation not supported|argument unsupported|unsupported flags|unsupported configuration|not supported by this (driver|hypervisor)/i,
  },
  // VIR_ERR_OPERATION_ABORTED "operation aborted: job 'migration out' canceled by client"
  { kind: 'aborted', re: /operation aborted|canceled by client|cancelled by client/i },
  // qemuDomainAbortJob: "Requested operation is not valid: no job is active on the domain" — its own kind so a
  // canceller can tell "already finished" from a real state error.
  { kind: 'job-inactive', re: /no job is active/i },
  // VIR_ERR_AUTH_FAILED / VIR_ERR_ACCESS_DENIED / polkit
  { kind: 'permission', re: /authentication failed|access denied|Permission denied|authentication unavailable|not authorized/i },
  // remote driver and transports
  {
    kind: 'connection',
    re: /failed to connect|Failed to connect socket|unable to connect to server|Cannot recv data|Cannot write data|End of file while reading data|Connection refused|Connection reset|client socket is closed|no connection driver available|Broken pipe|Network is unreachable|No route to host|Name or service not known|Could not resolve|no valid connection|Cannot read CA certificate|Domain to host name resolution/i,
  },
  // VIR_ERR_OPERATION_INVALID "Requested operation is not valid: domain is not running"; qemu "Domain is already active";
  // test driver "internal error: domain 'x' not running"; job lock contention.
  {
    kind: 'invalid-state',
    re: /Requested operation is not valid|domain is not running|not running|Domain is already active|domain is already running|is already active|cannot acquire state change lock|no job is active|not in a paused state|domain is not paused|another migration job is already running|domain has active block job/i,
  },
];

/** The kind libvirt's message text implies, for `operation` (a virsh command name such as `define`). */
export function classifyLibvirtMessage(message: string, operation = ''): LibvirtErrorKind {
  for (const rule of RULES) {
    if (rule.only && !rule.only.includes(operation)) continue;
    if (rule.re.test(message)) return rule.kind;
  }
  return 'other';
}

/**
 * The message in virsh's stderr: the `error: …` lines (virsh prints a summary
 * then libvirt's reason) plus their continuation lines (schema validation
 * details), joined on one line. Falls back to the whole stderr.
 */
export function virshErrorMessage(stderr: string): string {
  const lines = stderr.split(/\r\n|\r|\n/).map((l) => l.trim());
  const first = lines.findIndex((l) => l.startsWith('error:'));
  const picked = (first >= 0 ? lines.slice(first) : lines).filter((l) => l !== '');
  return picked.map((l) => l.replace(/^error:\s*/, '')).join(': ');
}

export interface LibvirtErrorInit {
  operation: string;
  uri?: string;
  domain?: string;
  kind: LibvirtErrorKind;
  message: string;
  result?: VirshResult;
  hint?: string;
}

/** A libvirt operation that failed; `kind` says how, `libvirtMessage` is libvirt's own text. */
export class LibvirtError extends Xend2LibxlError {
  readonly operation: string;
  readonly uri?: string;
  readonly domain?: string;
  readonly kind: LibvirtErrorKind;
  readonly libvirtMessage: string;
  readonly result?: VirshResult;

  constructor(init: LibvirtErrorInit) {
    const where = [init.domain !== undefined ? `domain ${JSON.stringify(init.domain)}` : '', init.uri ? `on ${init.uri}` : ''].filter(Boolean).join(' ');
    super(`LIBVIRT_${init.kind.toUpperCase().replace(/-/g, '_')}`, `${init.operation}${where ? ` (${where})` : ''}: ${init.message}`, {
      hint: init.hint ?? defaultHint(init.kind, init.uri),
    });
    this.operation = init.operation;
    this.uri = init.uri;
    this.domain = init.domain;
    this.kind = init.kind;
    this.libvirtMessage = init.message;
    this.result = init.result;
  }
}

function defaultHint(kind: LibvirtErrorKind, uri?: string): string | undefined {
  switch (kind) {
    case 'connection':
      return `check that libvirtd is running and reachable at ${uri ?? "virsh's default URI"} (try: virsh -c '${uri ?? ''}' list)`;
    case 'timeout':
      return 'libvirtd did not answer in time; check its log, or raise the timeout';
    case 'permission':
      return 'run as root or configure access for this user in libvirtd.conf / polkit';
    case 'invalid-definition':
      return 'libvirt rejected the domain XML; the message names the offending element';
    default:
      return undefined;
  }
}

/**
 * The typed error for a finished call that failed (null if it succeeded).
 * The domain's own name is masked before classifying, so a hostile name such as
 * "Failed to connect socket" cannot change the kind.
 */
export function libvirtErrorFromResult(result: VirshResult, ctx: { operation: string; uri?: string; domain?: string }): LibvirtError | null {
  if (result.timedOut) {
    return new LibvirtError({
      ...ctx,
      kind: 'timeout',
      message: `virsh did not answer within ${(result.durationMs / 1000).toFixed(1)} s and was killed`,
      result,
    });
  }
  if (result.exitCode === 0) return null;
  const message = virshErrorMessage(result.stderr) || (result.signal ? `virsh was killed by ${result.signal}` : `virsh exited with code ${result.exitCode}`);
  const masked = ctx.domain ? message.split(`'${ctx.domain}'`).join("'<domain>'") : message;
  return new LibvirtError({ ...ctx, kind: classifyLibvirtMessage(masked, ctx.operation), message, result });
}
