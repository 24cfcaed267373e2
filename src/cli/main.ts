import { runDealerloop } from './run.ts';

// Entry point of the `dealerloop` command (see run.ts for how errors print).
await runDealerloop(process.argv);
