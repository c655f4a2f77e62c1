/**
 * Screen 3: which domains. Problems are shown inline; entries that cannot be
 * converted are listed but disabled with the reason, never silently dropped.
 */
import type { InventoryEntry } from '../../inventory/types.js';

export interface DomainChoice {
  name: string;
  /** What the answered prompt shows: the name alone, not the problem lines. */
  short: string;
  value: string;
  checked: boolean;
  disabled: string | boolean;
}

/** The checkbox shows the gist; the full text is in the inventory table above and in the plan. */
export function firstClause(message: string, max = 72): string {
  const cut = message.split(/;\s|\.\s/)[0];
  return cut.length > max ? `${cut.slice(0, max - 1)}…` : cut;
}

function describe(e: InventoryEntry): string {
  // Where it came from: xend's store, or an `xm create` config (with +auto when /etc/xen/auto links to it).
  const source = e.source === 'xm-config' ? `${e.path.split('/').pop()}${e.autostart ? ' +auto' : ''}` : '';
  const facts = [e.type?.toUpperCase() ?? '?', e.memoryMiB !== undefined ? `${e.memoryMiB} MiB` : '', e.vcpus !== undefined ? `${e.vcpus} vCPU` : '', e.source === 'xm-config' ? '' : e.state, source]
    .filter(Boolean)
    .join(', ');
  const problems = e.problems.map((p) => `${p.severity === 'error' ? '✖' : '⚠'} ${p.code}: ${firstClause(p.message)}`);
  return [`${e.name ?? e.directoryUuid}  (${facts})`, ...problems.map((p) => `      ${p}`)].join('\n');
}

export function domainChoices(entries: readonly InventoryEntry[]): DomainChoice[] {
  return entries.map((e) => {
    const fatal = e.problems.find((p) => p.severity === 'error');
    return {
      name: describe(e),
      short: e.name ?? e.directoryUuid,
      value: e.path,
      checked: !fatal,
      disabled: fatal ? `cannot convert: ${fatal.code}` : false,
    };
  });
}

export function domainPrompt(entries: readonly InventoryEntry[], message = 'Which domains? (space toggles, a = all, enter confirms)') {
  return {
    message,
    choices: domainChoices(entries),
    pageSize: 12,
    loop: false,
    validate: (chosen: readonly unknown[]) => (chosen.length > 0 ? true : 'pick at least one domain, or press Ctrl-C to stop here'),
  };
}

/** Running guests for evacuation, with the inventory's problems for the same name inline. */
export function runningGuestPrompt(running: readonly string[], entries: readonly InventoryEntry[]) {
  const byName = new Map(entries.map((e) => [e.name, e]));
  return {
    message: 'Which running domains should be live-migrated off this host?',
    choices: running.map((name) => {
      const e = byName.get(name);
      return { name: e ? describe(e) : `${name}  (not in the xend store: created with xm create?)`, short: name, value: name, checked: true };
    }),
    pageSize: 12,
    loop: false,
    validate: (chosen: readonly unknown[]) => (chosen.length > 0 ? true : 'pick at least one domain, or press Ctrl-C to stop here'),
  };
}
