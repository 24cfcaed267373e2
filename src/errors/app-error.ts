/** One field-level problem, as returned in error bodies. */
export interface FieldIssue {
  /** Dotted path of the field, e.g. `settings.apiHost`. */
  path: string;
  /** Why it is wrong. */
  message: string;
}

/**
 * An error that maps to one HTTP status and a stable snake_case `code`.
 * Services throw these; the API's one `onError` turns them into the shared error body.
 */
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503,
    readonly code: string,
    message: string,
    readonly details: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** The record asked for does not exist (or belongs to another tenant: the answer is the same). */
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found`);

/** The request conflicts with existing state. */
export const conflict = (message: string) => new AppError(409, 'conflict', message);
