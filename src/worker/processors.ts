import type { Hub } from '../hub.ts';
import type { QueueProcessor } from './pool.ts';

/**
 * The queues this hub's workers serve. Features register their processors here (the sync engine's
 * run queue, for one), so `dealerloop worker` serves all of them.
 */
export function hubProcessors(_hub: Hub): QueueProcessor[] {
  return [];
}
