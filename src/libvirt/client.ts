/**
 * One libvirt connection URI, driven through `virsh` (argv only, via the
 * injectable {@link VirshRunner}). Every call has a timeout; every failure is a
 * {@link LibvirtError} with a kind. Domain arguments always follow `--`, so a
 * name such as `--all` or `$(touch x)` reaches libvirt literally.
 */
import { LibvirtError, libvirtErrorFromResult } from './errors.js';
import { parseAutostart, parseDefinedName, parseDomState, parseKeyValues, parseUuidIdNameLines, parseUuidLines, type DomainState, type DomainStateName } from './parse.js';
import type { VirshResult, VirshRunner } from './runner.js';
import { withPrivateXmlFile } from './temp-xml.js';

/** Per-operation default timeouts (ms). Measured on a warm daemon: most calls take 20–80 ms, destroy ~2 s, a first start or capabilities probe up to ~10 s. */
export const LIBVIRT_TIMEOUTS = {
  query: 30_000,
  define: 60_000,
  start: 120_000,
  shutdown: 30_000,
  destroy: 60_000,
  capabilities: 60_000,
} as const;

export interface LibvirtOptions {
  /** Overrides every per-operation default timeout (tests use short ones). */
  timeoutMs?: number;
}

export interface DomainSummary {
  name: string;
  uuid: string;
  /** Runtime id; null when the domain is not running. */
  id: number | null;
  /** Coarse state from the list filters; use {@link Libvirt.domState} for the exact state and reason. */
  state: 'running' | 'paused' | 'shut off' | 'other';
  persistent: boolean;
  autostart: boolean;
}

export interface DumpXmlOptions {
  /** The persistent (next boot) definition instead of the live one. */
  inactive?: boolean;
  /** Include secrets such as VNC passwords (needs a read-write connection). */
  securityInfo?: boolean;
}

export interface WaitForStateOptions {
  pollMs?: number;
  /** Treat "domain does not exist" as reaching the target (a transient domain vanishes when it stops). */
  goneCounts?: boolean;
  signal?: AbortSignal;
}

const SECTION = '@xend2libxl-section@';
const LIST_QUERIES = ['list --all --uuid --id --name', 'list --all --uuid --state-running', 'list --all --uuid --state-paused', 'list --all --uuid --state-shutoff', 'list --all --uuid --persistent', 'list --all --uuid --autostart'];

export class Libvirt {
  constructor(
    readonly runner: VirshRunner,
    readonly uri: string,
    readonly options: LibvirtOptions = {},
  ) {}

  /** Run `virsh -c URI ARGS…`; resolve with the result, or throw a {@link LibvirtError}. */
  async run(operation: string, args: string[], ctx: { domain?: string; timeoutMs?: number } = {}): Promise<VirshResult> {
    const timeoutMs = this.options.timeoutMs ?? ctx.timeoutMs ?? LIBVIRT_TIMEOUTS.query;
    const result = await this.runner.start({ uri: this.uri, args, timeoutMs }).result;
    const error = libvirtErrorFromResult(result, { operation, uri: this.uri, domain: ctx.domain });
    if (error) throw error;
    return result;
  }

  private async domainCommand(operation: string, domain: string, flags: string[] = [], timeoutMs?: number): Promise<string> {
    return (await this.run(operation, [operation, ...flags, '--', domain], { domain, timeoutMs })).stdout;
  }

  /** Every domain with name, UUID, id, coarse state, persistence and autostart, from one virsh connection. */
  async list(): Promise<DomainSummary[]> {
    let sections: string[];
    try {
      sections = (await this.run('list', [LIST_QUERIES.join(` ; echo ${SECTION} ; `)])).stdout.split(SECTION);
    } catch (e) {
      // virsh before 7.x refuses --uuid with --name ("Only one argument from --table, --name and --uuid may be specified").
      if (!(e instanceof LibvirtError && /Only one argument from/.test(e.libvirtMessage))) throw e;
      sections = await this.legacyListSections();
    }
    // A domain literally named like our separator would shift the sections; ask one query at a time instead.
    if (sections.length !== LIST_QUERIES.length) {
      sections = [];
      for (const q of LIST_QUERIES) sections.push((await this.run('list', q.split(' '))).stdout);
    }
    const [all, running, paused, shutoff, persistent, autostart] = [
      this.parsed('list', undefined, () => parseUuidIdNameLines(sections[0])),
      ...sections.slice(1).map((s) => this.parsed('list', undefined, () => parseUuidLines(s))),
    ] as [ReturnType<typeof parseUuidIdNameLines>, ...Set<string>[]];
    return all.map((d) => ({
      ...d,
      state: running.has(d.uuid) ? 'running' : paused.has(d.uuid) ? 'paused' : shutoff.has(d.uuid) ? 'shut off' : 'other',
      persistent: persistent.has(d.uuid),
      autostart: autostart.has(d.uuid),
    }));
  }

  /** The same sections from an old virsh: UUIDs first, then each domain's name and id by UUID. */
  private async legacyListSections(): Promise<string[]> {
    const uuids = [...parseUuidLines((await this.run('list', ['list', '--all', '--uuid'])).stdout)];
    const lines: string[] = [];
    for (const uuid of uuids) {
      try {
        const name = (await this.domainCommand('domname', uuid)).replace(/\n+$/, '');
        const id = (await this.domainCommand('domid', uuid)).trim();
        lines.push(`${uuid} ${/^\d+$/.test(id) ? id : '-'} ${name}`);
      } catch (e) {
        // Undefined between the calls: it is simply no longer there.
        if (!(e instanceof LibvirtError && e.kind === 'not-found')) throw e;
      }
    }
    const rest = [];
    for (const q of LIST_QUERIES.slice(1)) rest.push((await this.run('list', q.split(' '))).stdout);
    return [lines.join('\n'), ...rest];
  }

  /** The domain XML; `securityInfo` keeps passwords (VNC) that a plain dump masks. */
  async dumpXml(domain: string, opts: DumpXmlOptions = {}): Promise<string> {
    const flags = [...(opts.inactive ? ['--inactive'] : []), ...(opts.securityInfo ? ['--security-info'] : [])];
    return this.domainCommand('dumpxml', domain, flags);
  }

  /**
   * Define (or redefine) a persistent domain from XML. The XML goes through a 0600
   * file in a private 0700 directory (it may hold passwords), removed afterwards.
   * Returns the name libvirt reports.
   */
  async define(xml: string, opts: { validate?: boolean } = {}): Promise<string> {
    return withPrivateXmlFile(xml, async (file) => {
      const r = await this.run('define', ['define', ...(opts.validate ? ['--validate'] : []), '--file', file], { timeoutMs: LIBVIRT_TIMEOUTS.define });
      const name = parseDefinedName(r.stdout, file);
      if (name === undefined) throw new LibvirtError({ operation: 'define', uri: this.uri, kind: 'other', message: `unexpected virsh output: ${JSON.stringify(r.stdout)}` });
      return name;
    });
  }

  /** Remove the persistent definition (a running domain keeps running, as transient). */
  async undefine(domain: string, opts: { managedSave?: boolean; snapshotsMetadata?: boolean; nvram?: boolean } = {}): Promise<void> {
    const flags = [
      ...(opts.managedSave ? ['--managed-save'] : []),
      ...(opts.snapshotsMetadata ? ['--snapshots-metadata'] : []),
      ...(opts.nvram ? ['--nvram'] : []),
    ];
    await this.domainCommand('undefine', domain, flags);
  }

  async start(domain: string, opts: { paused?: boolean } = {}): Promise<void> {
    await this.domainCommand('start', domain, opts.paused ? ['--paused'] : [], LIBVIRT_TIMEOUTS.start);
  }

  /** Ask the guest to shut down (ACPI by default); returns at once — use {@link waitForState}. */
  async shutdown(domain: string, opts: { mode?: 'acpi' | 'agent' | 'initctl' | 'signal' | 'paravirt' } = {}): Promise<void> {
    await this.domainCommand('shutdown', domain, opts.mode ? ['--mode', opts.mode] : [], LIBVIRT_TIMEOUTS.shutdown);
  }

  /** Pull the plug. `graceful` only sends SIGTERM to the emulator and fails instead of escalating. */
  async destroy(domain: string, opts: { graceful?: boolean } = {}): Promise<void> {
    await this.domainCommand('destroy', domain, opts.graceful ? ['--graceful'] : [], LIBVIRT_TIMEOUTS.destroy);
  }

  async domState(domain: string): Promise<DomainState> {
    const out = await this.domainCommand('domstate', domain, ['--reason']);
    return this.parsed('domstate', domain, () => parseDomState(out));
  }

  /** `dominfo` as key/value pairs (State, Persistent, Autostart, Max memory, …). */
  async domInfo(domain: string): Promise<Map<string, string>> {
    return parseKeyValues(await this.domainCommand('dominfo', domain));
  }

  async getAutostart(domain: string): Promise<boolean> {
    const out = await this.domainCommand('dominfo', domain);
    return this.parsed('dominfo', domain, () => parseAutostart(out));
  }

  async setAutostart(domain: string, enabled: boolean): Promise<void> {
    await this.domainCommand('autostart', domain, enabled ? [] : ['--disable']);
  }

  /** The host capabilities XML (guest types, arches, host UUID). */
  async capabilities(): Promise<string> {
    return (await this.run('capabilities', ['capabilities'], { timeoutMs: LIBVIRT_TIMEOUTS.capabilities })).stdout;
  }

  async uuidOf(name: string): Promise<string> {
    return (await this.domainCommand('domuuid', name)).trim().toLowerCase();
  }

  async nameOf(uuid: string): Promise<string> {
    return (await this.domainCommand('domname', uuid)).replace(/\n+$/, '');
  }

  /** True if the domain exists (persistent or running); other failures still throw. */
  async exists(domain: string): Promise<boolean> {
    try {
      await this.domainCommand('domuuid', domain);
      return true;
    } catch (e) {
      if (e instanceof LibvirtError && e.kind === 'not-found') return false;
      throw e;
    }
  }

  /**
   * Poll `domstate --reason` until the state is one of `states`; throws a
   * `timeout` LibvirtError naming the last state seen. With `goneCounts`, a
   * vanished domain counts as reached and resolves to null.
   */
  async waitForState(domain: string, states: readonly DomainStateName[], timeoutMs: number, opts: WaitForStateOptions = {}): Promise<DomainState | null> {
    const pollMs = opts.pollMs ?? 250;
    const deadline = Date.now() + timeoutMs;
    let last: DomainState | undefined;
    for (;;) {
      try {
        last = await this.domState(domain);
        if (states.includes(last.state)) return last;
      } catch (e) {
        if (opts.goneCounts && e instanceof LibvirtError && e.kind === 'not-found') return null;
        throw e;
      }
      if (opts.signal?.aborted) throw new LibvirtError({ operation: 'wait', uri: this.uri, domain, kind: 'aborted', message: 'wait was cancelled' });
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new LibvirtError({
          operation: 'wait',
          uri: this.uri,
          domain,
          kind: 'timeout',
          message: `still "${last.state} (${last.reason})" after ${(timeoutMs / 1000).toFixed(1)} s, waiting for ${states.map((s) => `"${s}"`).join(' or ')}`,
        });
      }
      await new Promise((r) => setTimeout(r, Math.min(pollMs, left)));
    }
  }

  private parsed<T>(operation: string, domain: string | undefined, parse: () => T): T {
    try {
      return parse();
    } catch (e) {
      throw new LibvirtError({ operation, uri: this.uri, domain, kind: 'other', message: (e as Error).message });
    }
  }
}
