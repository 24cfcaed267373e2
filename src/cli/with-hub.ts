import { boot } from '../runtime/boot.ts';
import type { Hub } from '../hub.ts';

/** Opens the hub for a one-shot command, runs `fn`, and always closes it. */
export async function withHub<T>(fn: (hub: Hub) => Promise<T>): Promise<T> {
  const { hub } = await boot();
  try {
    return await fn(hub);
  } finally {
    await hub.close();
  }
}
