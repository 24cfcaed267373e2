import { Command } from 'commander';

import { registerAdminCommands } from './admin-commands.ts';
import { registerAttributionCommands } from './attribution-commands.ts';
import { registerConnectionCommands } from './connection-commands.ts';
import { registerConnectorCommands } from './connector-commands.ts';
import { registerEntryCommands } from './entry-commands.ts';
import { registerGroupCommands } from './group-commands.ts';
import { registerMappingCommands } from './mapping.ts';
import { registerMigrateCommands } from './migrate-commands.ts';
import { registerRebuildCommands } from './rebuild-commands.ts';
import { registerReportCommands } from './report-commands.ts';
import { registerSyncCommands } from './sync-commands.ts';
import { registerServeCommands } from './serve-commands.ts';

/** Builds the `dealerloop` command tree. */
export function buildProgram(): Command {
  const program = new Command('dealerloop')
    .description('DealerLoop: the integration hub for car dealerships')
    .version('0.1.0')
    // `dealerloop --version` only before a command, so `mapping show --version N` is the command's.
    .enablePositionalOptions()
    .showHelpAfterError();
  registerServeCommands(program);
  registerAdminCommands(program);
  registerGroupCommands(program);
  registerConnectorCommands(program);
  registerConnectionCommands(program);
  registerSyncCommands(program);
  registerEntryCommands(program);
  registerMappingCommands(program);
  registerMigrateCommands(program);
  registerRebuildCommands(program);
  registerReportCommands(program);
  registerAttributionCommands(program);
  return program;
}
