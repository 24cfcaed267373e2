import { ZodError } from 'zod';

import { AppError } from '../errors/app-error.ts';
import { StartupError } from '../runtime/boot.ts';
import { fail } from './output.ts';
import { buildProgram } from './program.ts';

// Entry point of the `dealerloop` command: errors print for people (with each bad field), exit 1.
// DEBUG=1 adds the stack of unexpected errors.
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof StartupError) fail(err.message);
  else if (err instanceof AppError) {
    fail([err.message, ...err.details.map((d) => `  ${d.path}: ${d.message}`)].join('\n'));
  } else if (err instanceof ZodError) fail(err.issues.map((i) => i.message).join('; '));
  else if (err instanceof Error) fail(process.env.DEBUG ? (err.stack ?? err.message) : err.message);
  else throw err;
}
