import type { DestinationStream } from 'pino';

import { ConfigError, loadConfig, type Config } from '../config/env.ts';
import { openHub, type Hub } from '../hub.ts';
import { createLogger, type Logger } from '../log/logger.ts';
import { RedisUnavailableError } from '../store/redis.ts';

import { StartupError } from './startup-error.ts';

export { StartupError };

/**
 * Loads the configuration and opens the hub, turning the two common start-up failures (bad
 * environment, Redis not reachable) into a `StartupError` with a message meant for people.
 * Logs go to stdout unless `logDestination` is given (one-shot CLI commands route them around
 * their progress bars).
 */
export async function boot(
  env: NodeJS.ProcessEnv = process.env,
  logDestination?: DestinationStream,
): Promise<{ config: Config; log: Logger; hub: Hub }> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new StartupError(err.message);
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL, logDestination);
  try {
    return { config, log, hub: await openHub(config, log) };
  } catch (err) {
    if (err instanceof RedisUnavailableError) throw new StartupError(err.message);
    throw err;
  }
}
