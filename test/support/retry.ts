/**
 * Fast retries for tests: the same policy shape, shorter waits. In a module of its own (no
 * vitest import), so benchmarks can use the test harnesses that take it.
 */
export const FAST_RETRY = { attempts: 6, baseDelayMs: 5, maxDelayMs: 50, maxRetryAfterMs: 5_000 };
