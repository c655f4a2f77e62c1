/** Drive the mocked prompt screen of @inquirer/testing/vitest: wait for a prompt by its text, then answer. */
import { screen } from '@inquirer/testing/vitest';
import { main } from '../../src/cli/main.js';
import type { CliContext } from '../../src/cli/context.js';
import { buildProgram } from '../../src/cli/main.js';
import { wizardDeps } from '../../src/cli/commands/wizard-run.js';
import { runWizard } from '../../src/wizard/run-wizard.js';
import type { WizardCliOptions } from '../../src/cli/commands/wizard.js';

export async function until(text: string | RegExp, timeoutMs = 30_000): Promise<string> {
  const started = Date.now();
  for (;;) {
    const s = screen.getScreen();
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() - started > timeoutMs) throw new Error(`prompt never showed ${String(text)}; screen:\n${s}`);
    await Promise.race([screen.next(), new Promise((r) => setTimeout(r, 50))]);
  }
}

export async function answer(prompt: string | RegExp, ...keys: (string | { type: string })[]): Promise<string> {
  const shown = await until(prompt);
  for (const k of keys) {
    if (typeof k === 'string') screen.keypress(k);
    else screen.type(k.type);
  }
  return shown;
}

export interface Captured {
  ctx: CliContext;
  out(): string;
  err(): string;
}

export function capture(cwd: string): Captured {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    stdout: { write: (s: string) => (out += s), isTTY: false, columns: 120 },
    stderr: { write: (s: string) => (err += s), isTTY: false, columns: 120 },
    env: { PATH: process.env.PATH },
    cwd,
    exitCode: 0,
  };
  return { ctx, out: () => out, err: () => err };
}

/** The wizard exactly as `xend2libxl wizard` wires it, minus the TTY check (the prompts are the test screen). */
export async function startWizard(c: Captured, opts: WizardCliOptions): Promise<number> {
  const cmd = buildProgram(c.ctx).commands.find((x) => x.name() === 'wizard')!;
  return runWizard(await wizardDeps(opts, c.ctx, cmd));
}

export { main };
