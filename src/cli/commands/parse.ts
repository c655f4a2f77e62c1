import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { Xend2LibxlError } from '../../errors.js';

// Placeholder until the command's issue lands; it refuses loudly rather than pretending.
export function registerParse(program: Command, _ctx: CliContext): void {
  program
    .command('parse')
    .description('(not yet available)')
    .allowUnknownOption()
    .action(() => {
      throw new Xend2LibxlError('NOT_IMPLEMENTED', 'the parse command is not implemented yet');
    });
}
