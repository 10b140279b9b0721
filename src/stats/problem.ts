/**
 * Why a statistics request cannot be answered, as a plain value: the HTTP layer turns it into a
 * status and a JSON error (`{ error: { code, message } }`) or a message on the dashboard.
 */
export interface StatsProblem {
  status: 400 | 403;
  code: 'bad_request' | 'forbidden';
  /** Says what is wrong and how to fix it; safe to show to the admin who sent the request. */
  message: string;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; problem: StatsProblem };

export function badRequest(message: string): { ok: false; problem: StatsProblem } {
  return { ok: false, problem: { status: 400, code: 'bad_request', message } };
}

export function forbidden(message: string): { ok: false; problem: StatsProblem } {
  return { ok: false, problem: { status: 403, code: 'forbidden', message } };
}
