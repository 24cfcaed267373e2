import { Command, CommanderError } from 'commander';
import { ZodError } from 'zod';

import { AppError } from '../errors/app-error.ts';
import { StartupError } from '../runtime/boot.ts';
import { fail } from './output.ts';
import { buildProgram } from './program.ts';

/**
 * Runs the `dealerloop` command line `argv` (node, script, then the arguments): errors print for
 * people (with each bad field) and set exit code 1. DEBUG=1 adds the stack of unexpected errors.
 * A program built with `exitOverride` (the tests run commands in their own process) gets commander's
 * exit code where commander would have called `process.exit`.
 */
export async function runDealerloop(
  argv: string[],
  program: Command = buildProgram(),
): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) process.exitCode = err.exitCode;
    else if (err instanceof StartupError) fail(err.message);
    else if (err instanceof AppError) {
      fail([err.message, ...err.details.map((d) => `  ${d.path}: ${d.message}`)].join('\n'));
    } else if (err instanceof ZodError) fail(err.issues.map((i) => i.message).join('; '));
    else if (err instanceof Error)
      fail(process.env.DEBUG ? (err.stack ?? err.message) : err.message);
    else throw err;
  }
}
