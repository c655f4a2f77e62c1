import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { Xend2LibxlError } from '../../errors.js';

// Placeholder until the command's issue lands; it refuses loudly rather than pretending.
export function registerConvert(program: Command, _ctx: CliContext): void {
  program
    .command('convert')
    .description('(not yet available)')
    .allowUnknownOption()
    .action(() => {
      throw new Xend2LibxlError('NOT_IMPLEMENTED', 'the convert command is not implemented yet');
    });
}
