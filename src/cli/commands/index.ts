import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerParse } from './parse.js';
import { registerConvert } from './convert.js';
import { registerInventory } from './inventory.js';
import { registerUpgrade } from './upgrade.js';
import { registerMigrate } from './migrate.js';
import { registerEvacuate } from './evacuate.js';
import { registerWizard } from './wizard.js';
import { registerCompletion } from './completion.js';

/** Every sub-command, in the order `--help` lists them. */
export function registerCommands(program: Command, ctx: CliContext): void {
  registerParse(program, ctx);
  registerConvert(program, ctx);
  registerInventory(program, ctx);
  registerUpgrade(program, ctx);
  registerMigrate(program, ctx);
  registerEvacuate(program, ctx);
  registerWizard(program, ctx);
  registerCompletion(program, ctx);
}
