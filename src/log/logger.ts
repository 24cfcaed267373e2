import pino, { type Logger } from 'pino';

/**
 * Paths whose values never reach a log line: credentials and personal data.
 * pino's redaction works on paths, so the common shapes are listed at a few depths.
 */
const SENSITIVE = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'apiKey',
  'api_key',
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'client_secret',
  'appSecret',
  'appsecret_proof',
  'credentials',
  'email',
  'phone',
  'firstName',
  'lastName',
  'name',
  'first_name',
  'last_name',
  'address',
];

/** Redaction paths: each sensitive name at the top level and two levels down. */
export const REDACT_PATHS = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]).concat([
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
]);

/** Creates the process logger. Everything logs through this, with redaction on. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { svc: 'dealerloop' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

export type { Logger };
