import { Argument, type Command } from '../commander.js';
import type { CliContext } from '../context.js';
import { defineAllCommands } from './index.js';

/** `xend2libxl completion bash|zsh`: print a completion script built from the current command tree. */
export function defineCompletion(cmd: Command, ctx: CliContext): void {
  cmd
    .description('print a shell completion script (bash or zsh) for every command and flag')
    .addArgument(new Argument('<shell>', 'the shell to generate for').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      const program = cmd.parent!;
      // The script covers every command, so every definition is loaded; so is the generator, only here.
      await defineAllCommands(program, ctx);
      const { bashCompletion, zshCompletion } = await import('../../ui/completion-script.js');
      ctx.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
