import { AppError } from '../errors/app-error.ts';

/** A tenant id, connector id, kind, date, filter or key the archive refuses (HTTP 400). */
export const invalidArchiveInput = (message: string) =>
  new AppError(400, 'invalid_archive_input', message);

/** An archived object that cannot be decoded: bad gzip or a line that is not JSON. */
export const corruptArchiveObject = (key: string, reason: string) =>
  new AppError(500, 'archive_corrupt', `Archive object ${key} is corrupt: ${reason}`);

/** The archive cannot be reached or written; `cause` keeps the backend's own error. */
export function archiveUnavailable(message: string, cause: unknown): AppError {
  const err = new AppError(503, 'archive_unavailable', message);
  return Object.assign(err, { cause });
}

/** Short text of any thrown value, for messages that name what failed. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return typeof code === 'string' && !err.message.includes(code)
      ? `${code}: ${err.message}`
      : err.message || err.name;
  }
  return String(err);
}
