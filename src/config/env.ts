import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Parses "s3://bucket/prefix" or a local folder path into an archive location. */
const archiveUrl = z
  .string()
  .min(1)
  .refine(
    (v) =>
      !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) ||
      /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(v) ||
      v.startsWith('file://'),
    {
      message:
        'must be a local folder, file:///path or s3://bucket/prefix (bucket: 3-63 lowercase letters, digits, dots, hyphens)',
    },
  );

/**
 * The one schema of the process environment. Every variable is read here and nowhere else.
 */
export const envSchema = z.object({
  REDIS_URL: z
    .string()
    .default('redis://127.0.0.1:6379')
    .refine((v) => /^rediss?:\/\//.test(v), { message: 'must start with redis:// or rediss://' })
    .describe('Redis connection URL (working store and job queues).'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/i, 'letters, digits, "_" or "-", at most 32')
    .default('dl')
    .describe('First segment of every Redis key, so several hubs can share one Redis.'),
  ARCHIVE_URL: archiveUrl
    .default('./data/archive')
    .describe(
      'Archive location: a local folder, or s3://bucket/prefix for AWS S3, MinIO or Cloudflare R2.',
    ),
  S3_ENDPOINT: z
    .url({ message: 'must be a URL such as http://127.0.0.1:9000' })
    .optional()
    .describe('S3 API endpoint (MinIO, R2); empty for AWS.'),
  S3_REGION: z.string().min(1).default('us-east-1').describe('S3 region ("auto" for R2).'),
  S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe('S3 access key id; the AWS default chain when empty.'),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe('S3 secret access key.'),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true'))
    .describe(
      'Path-style bucket addressing (MinIO needs it); default true when S3_ENDPOINT is set.',
    ),
  PORT: z.coerce
    .number({ message: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be 1-65535')
    .max(65535, 'must be 1-65535')
    .default(8787)
    .describe('HTTP port of the API.'),
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface the API listens on.'),
  HUB_MASTER_KEY: z
    .string()
    .regex(
      /^(?:[0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$/i,
      'must be 32 bytes as 64 hex characters or base64',
    )
    .optional()
    .describe('Key that encrypts connection credentials (AES-256-GCM). Required in production.'),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./data')
    .describe('Local state folder (generated master key in local mode).'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1_048_576)
    .describe('Largest accepted request body.'),
  WORKER_CONCURRENCY: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .default(4)
    .describe('Jobs one worker process runs at once.'),
  JOB_LOCK_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(30_000)
    .describe(
      'A job whose worker stops renewing its lock this long is taken over by another worker.',
    ),
  MAPPINGS_DIR: z
    .string()
    .min(1)
    .optional()
    .describe('Folder of mapping files; the shipped mappings/ by default.'),
  SHUTDOWN_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe('How long shutdown waits for in-flight work.'),
});

/** The parsed, typed configuration. */
export type Config = z.output<typeof envSchema>;

/** Raised when the environment is invalid; `problems` lists every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; reason: string }[]) {
    super(
      'Invalid configuration:\n' +
        problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n') +
        '\nFix these environment variables (see README, "Configuration") and start again.',
    );
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once. Empty strings count as unset.
 * @throws ConfigError naming every bad variable and why.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = env[key];
    if (v !== undefined && v !== '') input[key] = v;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => ({ variable: String(i.path[0] ?? '?'), reason: i.message })),
    );
  }
  const cfg = parsed.data;
  if (cfg.NODE_ENV === 'production' && !cfg.HUB_MASTER_KEY) {
    throw new ConfigError([
      { variable: 'HUB_MASTER_KEY', reason: 'is required when NODE_ENV=production' },
    ]);
  }
  return cfg;
}
