/**
 * commander, loaded with require(). It is a CommonJS package: importing it as
 * ESM goes through its ESM wrapper and Node's scan of CommonJS exports, ~4 ms
 * of every start (bench/startup.js, `--help` target 1.5× of `node -e 0`).
 * These are the very classes `import … from 'commander'` gives (Node caches the
 * CommonJS module by path), so instanceof works across both.
 */
import { createRequire } from 'node:module';

const commander = createRequire(import.meta.url)('commander') as typeof import('commander');

export const { Argument, Command, CommanderError, Help, InvalidArgumentError, Option } = commander;
export type Argument = import('commander').Argument;
export type Command = import('commander').Command;
export type CommanderError = import('commander').CommanderError;
export type Help = import('commander').Help;
export type InvalidArgumentError = import('commander').InvalidArgumentError;
export type Option = import('commander').Option;
