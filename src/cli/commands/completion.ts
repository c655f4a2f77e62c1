import { Argument, type Command } from '../commander.js';
import type { CliContext } from '../context.js';

/** `xend2libxl completion bash|zsh`: print a completion script built from the current command tree. */
export function registerCompletion(program: Command, ctx: CliContext): void {
  program
    .command('completion')
    .description('print a shell completion script (bash or zsh) for every command and flag')
    .addArgument(new Argument('<shell>', 'the shell to generate for').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      // Loaded here, not at start-up: `--help` and every other command never need it.
      const { bashCompletion, zshCompletion } = await import('../../ui/completion-script.js');
      ctx.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
