/** The wizard command's body, loaded on demand: real prompts, host probes, the scanner, and the CLI as executor. */
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { UsageError } from '../../errors.js';
import { execFileRunner } from '../../libvirt/runner.js';
import { scanXendRoot } from '../../inventory/scan.js';
import { xmConfigDirOf } from './xm-config-dir.js';
import { DEFAULT_DOMAINS_PATH, loadXendConfig } from '../../inventory/xend-config.js';
import { globalUiOptions, reporterFor, runtimeFor } from '../../ui/cli-runtime.js';
import { palette, shouldUseColor } from '../../ui/color.js';
import { loadPrompts } from '../../ui/lazy-modules.js';
import { isCi } from '../../ui/terminal-mode.js';
import { detectHost } from '../../wizard/detect-host.js';
import { runWizard, type WizardDeps } from '../../wizard/run-wizard.js';
import { DEFAULT_PROBE_URIS, type WizardCliOptions } from './wizard.js';

/** The global flags a command run by the wizard inherits (same log file, verbosity, colour). */
export function inheritedGlobalArgs(cmd: Command): string[] {
  const g = globalUiOptions(cmd);
  return [...(g.verbose ? ['--verbose'] : []), ...(g.logFile ? ['--log-file', g.logFile] : []), ...(g.color ? [] : ['--no-color']), ...(g.debug ? ['--debug'] : [])];
}

export async function wizardDeps(opts: WizardCliOptions, ctx: CliContext, cmd: Command): Promise<WizardDeps> {
  const configArg = opts.xendConfig ?? ctx.env.XEND_CONFIG;
  const xendConfig = await loadXendConfig(configArg === undefined ? undefined : path.resolve(ctx.cwd, configArg));
  const xendRoot = opts.xendRoot !== undefined ? path.resolve(ctx.cwd, opts.xendRoot) : (xendConfig?.domainsPath ?? DEFAULT_DOMAINS_PATH);
  const { onVirshFinish } = runtimeFor(cmd, ctx);
  const runner = execFileRunner({ onFinish: onVirshFinish });
  const globals = inheritedGlobalArgs(cmd);
  return {
    prompts: await loadPrompts(),
    write: (t) => void ctx.stdout.write(t),
    colors: palette(shouldUseColor({ env: ctx.env, stream: ctx.stdout, flag: globalUiOptions(cmd).color })),
    reporter: () => reporterFor(cmd, ctx),
    detect: (root) => detectHost({ hostname: os.hostname(), xendRoot: path.resolve(ctx.cwd, root), uris: opts.probeUri?.length ? opts.probeUri : DEFAULT_PROBE_URIS, runner }),
    // The unmanaged `xm create` configs (next to xend-config.sxp, else /etc/xen) are shown and upgraded too.
    scan: async (root) => scanXendRoot({ root, defaults: xendConfig?.defaults, xendConfig: xendConfig?.file, xmConfigDir: await xmConfigDirOf({}, ctx.cwd, xendConfig?.file) }),
    execute: async (argv) => {
      // Through the CLI itself: same parsing, progress, errors, exit codes and signal handling.
      const { main } = await import('../main.js');
      return main([...globals, ...argv], { ...ctx, exitCode: 0 });
    },
    cwd: ctx.cwd,
    now: () => new Date(),
    xendRoot,
    xendConfig: xendConfig?.file,
  };
}

export async function runWizardCommand(opts: WizardCliOptions, ctx: CliContext, cmd: Command): Promise<number> {
  if (!process.stdin.isTTY || !ctx.stdout.isTTY || isCi(ctx.env)) {
    throw new UsageError(
      'the wizard needs an interactive terminal (stdin and stdout a TTY, CI not set)',
      'in scripts run the commands directly: xend2libxl inventory, then convert / upgrade / evacuate (each has --help with examples)',
    );
  }
  return runWizard(await wizardDeps(opts, ctx, cmd));
}
