import { ZodError } from 'zod';

import { AppError } from '../errors/app-error.ts';
import { StartupError } from '../runtime/boot.ts';
import { fail } from './output.ts';
import { buildProgram } from './program.ts';

// Entry point of the `dealerloop` command: errors meant for people print as one line, exit 1.
try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof StartupError || err instanceof AppError) fail(err.message);
  else if (err instanceof ZodError) fail(err.issues.map((i) => i.message).join('; '));
  else throw err;
}
