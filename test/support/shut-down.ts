/** Something a test started: a browser, server, fake or harness, closed, stopped or cleaned up. */
export type Started =
  | { close(): Promise<unknown> }
  | { stop(): Promise<unknown> }
  | { cleanup(): Promise<unknown> }
  | null
  | undefined;

/**
 * Ends what a test started, in the order given (a browser before the API it talks to, the
 * harness last). Every one is ended even when an earlier one fails (a failed close must not leave
 * a server or a Redis prefix behind); the first failure is thrown after. Missing ones (a setup
 * that failed half way) are skipped.
 */
export async function shutDown(...started: Started[]): Promise<void> {
  let failure: unknown = null;
  for (const s of started) {
    if (!s) continue;
    try {
      if ('close' in s) await s.close();
      else if ('stop' in s) await s.stop();
      else await s.cleanup();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure) throw failure;
}
