/**
 * Real examples under every command's `--help`, in one place so they are
 * reviewed together and stay consistent with the README. Each line is a
 * command an admin would actually run on a dom0 or in CI.
 */
import type { Command } from 'commander';

const EXAMPLES: Record<string, readonly [string, string][]> = {
  xend2libxl: [
    ['xend2libxl inventory', 'what is on this host, and what will break'],
    ['xend2libxl wizard', 'guided upgrade of this host, step by step'],
    ['xend2libxl completion bash > /etc/bash_completion.d/xend2libxl', 'tab completion'],
  ],
  parse: [
    ['xend2libxl parse /var/lib/xend/domains/*/config.sxp', 'check that xend\'s stored configs are readable'],
  ],
  convert: [
    ['xend2libxl convert /var/lib/xend/domains -o /root/libxl-xml', 'one <name>.xml per stored domain'],
    ['xend2libxl convert backups/ -o out/ --strict --validate --junit report.xml', 'CI: fail on any warning, schema-check the XML'],
    ['xend2libxl convert web1/config.sxp -o out/ --json | jq .summary', 'machine-readable result'],
  ],
  inventory: [
    ['xend2libxl inventory', 'table of stored domains with their problems'],
    ['xend2libxl inventory --xend-root /mnt/oldhost/var/lib/xend/domains --json', 'inventory of a mounted backup, as JSON'],
  ],
  upgrade: [
    ['xend2libxl upgrade --xend-root /var/lib/xend/domains --backup-dir /root/xend-backup --dry-run', 'show the plan, change nothing'],
    ["xend2libxl upgrade --xend-root /var/lib/xend/domains --backup-dir /root/xend-backup --from xen:///system --switch-command 'systemctl stop xend && systemctl restart libvirtd'", 'the whole switch in one go'],
    ['xend2libxl upgrade --xend-root /var/lib/xend/domains --backup-dir /root/xend-backup --from xen:///system --pause-for-switch', 'stop after the shutdowns (exit 3); switch yourself, then --resume'],
    ['xend2libxl upgrade --backup-dir /root/xend-backup --resume', 'continue after --pause-for-switch or a crash'],
    ['xend2libxl upgrade --backup-dir /root/xend-backup --rollback', 'undefine what the upgrade defined'],
  ],
  migrate: [
    ['xend2libxl migrate web1 --from xen:///system --to xen+ssh://dom0-b/system', 'live-migrate one domain'],
    ['xend2libxl migrate web1 db1 --from xen:///system --to xen+ssh://dom0-b/system --timeout 600 --timeout-action suspend', 'finish even if the guest never converges'],
  ],
  evacuate: [
    ['xend2libxl evacuate --from xen:///system --to xen+ssh://dom0-b/system --parallel 2', 'empty this host before upgrading it'],
  ],
  wizard: [
    ['xend2libxl wizard', 'detect the host, pick domains and a path, review the plan, run it'],
    ['xend2libxl --log-file /root/xend2libxl.log wizard', 'keep a full log of the session (every virsh call)'],
    ['xend2libxl wizard --xend-root /mnt/old/var/lib/xend/domains --probe-uri xen+ssh://dom0-a/system', 'another store, another connection'],
  ],
  completion: [
    ['xend2libxl completion bash > /etc/bash_completion.d/xend2libxl', 'bash, system-wide'],
    ['xend2libxl completion zsh > "${fpath[1]}/_xend2libxl"', 'zsh'],
    ['source <(xend2libxl completion bash)', 'bash, this shell only'],
  ],
};

export function examplesFor(name: string): string | undefined {
  const ex = EXAMPLES[name];
  if (!ex) return undefined;
  const width = Math.min(60, Math.max(...ex.map(([c]) => c.length)));
  const lines = ex.map(([c, why]) => (c.length > width ? `  $ ${c}\n      # ${why}` : `  $ ${c.padEnd(width)}  # ${why}`));
  return `\nExamples:\n${lines.join('\n')}\n`;
}

/** Attach the examples to the root and every sub-command. */
export function addHelpExamples(program: Command): void {
  for (const cmd of [program, ...program.commands]) {
    const text = examplesFor(cmd === program ? 'xend2libxl' : cmd.name());
    if (text) cmd.addHelpText('after', text);
  }
}
