/**
 * The one error type of the HTTP layer (house style 14): an HTTP status, a stable machine code
 * for logs and the API, and an i18n key for what a traveler reads.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly i18nKey: string;
  constructor(
    status: number,
    code: string,
    i18nKey = status >= 500 ? 'error.body' : 'error.badRequest',
    message?: string,
  ) {
    super(message ?? code);
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.i18nKey = i18nKey;
  }
}

/** Normalizes anything thrown (including body-parser and http-errors objects) into an AppError. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const status = typeof (err as { status?: unknown })?.status === 'number' ? (err as { status: number }).status : 500;
  if (status >= 400 && status < 500) return new AppError(status, 'bad_request', 'error.badRequest');
  return new AppError(500, 'internal', 'error.body', (err as Error)?.message);
}
