/**
 * Screen 5: the options of the chosen path, asked one by one with the same
 * limits as the flags. Returns plain values keyed like the commands' option
 * specs; plan.ts turns them into argv.
 */
import type { Prompts } from '../../ui/lazy-modules.js';
import type { HostFacts } from '../types.js';
import { backupDir, libvirtUri, notEmpty, outputDir, wholeNumberIn } from './validate.js';
import { specsOf } from '../command-specs.js';

/** Prompt defaults are the flags' defaults: what the admin sees here is what the CLI would do. */
function specDefault(command: 'upgrade' | 'migrate', key: string, fallback: number): string {
  const d = specsOf(command)?.find((s) => s.key === key)?.default;
  return String(typeof d === 'number' ? d : fallback);
}

type Ask = Pick<Prompts, 'input' | 'select' | 'confirm'>;

export interface ConvertAnswers {
  outDir: string;
  strict: boolean;
}

export interface UpgradeAnswers {
  backupDir: string;
  to: string;
  from?: string;
  shutdownTimeout: number;
  parallel: number;
  switchMode: 'pause' | 'command';
  switchCommand?: string;
}

export interface EvacuateAnswers {
  from: string;
  to: string;
  parallel: number;
}

export async function askConvertOptions(p: Ask, cwd: string): Promise<ConvertAnswers> {
  const outDir = await p.input({ message: 'Write the XML files to which directory?', default: 'libxl-xml', validate: outputDir(cwd) });
  const strict = await p.confirm({ message: 'Treat conversion warnings as failures (--strict)?', default: false });
  return { outDir: outDir.trim(), strict };
}

/** Default backup location: dated, under /root, so two runs never mix. */
export function defaultBackupDir(now: Date): string {
  return `/root/xend2libxl-backup-${now.toISOString().slice(0, 10)}`;
}

export async function uriChoice(p: Ask, message: string, candidates: string[], fallback: string): Promise<string> {
  const unique = [...new Set([...candidates, fallback])];
  const picked = await p.select({
    message,
    choices: [...unique.map((u) => ({ name: u, value: u })), { name: 'another URI…', value: '' }],
    default: fallback,
  });
  return picked || (await p.input({ message: 'libvirt URI:', validate: libvirtUri })).trim();
}

export async function askUpgradeOptions(p: Ask, f: HostFacts, now: Date): Promise<UpgradeAnswers> {
  const dir = await p.input({ message: 'Backup and journal directory?', default: defaultBackupDir(now), validate: backupDir });
  const answering = f.uris.filter((u) => u.ok).map((u) => u.uri);
  const from =
    answering.length > 0
      ? await p.select({
          message: 'Which connection shows the domains xend runs now (to shut them down and restart them after)?',
          choices: [...answering.map((u) => ({ name: u, value: u })), { name: 'none: nothing is running', value: '' }],
        })
      : '';
  const to = await uriChoice(p, 'Define the domains on which libvirt connection (after the switch)?', [], 'xen:///system');
  const shutdownTimeout = Number(
    await p.input({ message: 'Seconds to wait for each guest to shut down (then it is held, not destroyed)?', default: specDefault('upgrade', 'shutdownTimeout', 300), validate: wholeNumberIn('the shutdown timeout', 1, 86_400) }),
  );
  const parallel = Number(await p.input({ message: 'Domains to handle at once?', default: specDefault('upgrade', 'parallel', 4), validate: wholeNumberIn('parallelism', 1, 64) }));
  const switchMode = await p.select({
    message: 'How is the toolstack switched (stop xend, start libvirtd with libxl)?',
    choices: [
      { name: 'I do it myself: pause after the shutdowns, continue with --resume', value: 'pause' as const },
      { name: 'Run a command for me', value: 'command' as const },
    ],
  });
  const switchCommand =
    switchMode === 'command'
      ? (await p.input({ message: 'Switch command (run with /bin/sh):', default: 'systemctl stop xend && systemctl restart libvirtd', validate: notEmpty('a command') })).trim()
      : undefined;
  return { backupDir: dir.trim(), to, from: from || undefined, shutdownTimeout, parallel, switchMode, switchCommand };
}

export async function askEvacuateOptions(p: Ask, source: string): Promise<EvacuateAnswers> {
  const to = (
    await p.input({
      // The wizard runs on the source host: its libvirtd and this process reach the destination alike, so --to serves as --peer-uri too.
      message: 'Destination host (libvirt URI as this host reaches it; it must run the same toolstack — no live migration crosses xend → libxl)?',
      validate: (v: string) => (v.trim() === source ? 'the destination must be another host' : libvirtUri(v)),
    })
  ).trim();
  const parallel = Number(await p.input({ message: 'Migrations at once?', default: specDefault('migrate', 'parallel', 1), validate: wholeNumberIn('parallelism', 1, 16) }));
  return { from: source, to, parallel };
}
