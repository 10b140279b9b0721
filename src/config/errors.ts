import type { z } from 'zod';

/**
 * Per-parse wording for zod's generic messages (passed to `safeParse`, not set globally, because
 * host apps that embed the portal may use zod too).
 */
export const friendlyErrors = {
  error(issue: { code: string; input?: unknown }): string | undefined {
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return 'is missing: add this setting (see docs/configuration.md)';
    }
    if (issue.code === 'unrecognized_keys')
      return 'has an unknown setting: check its spelling against docs/configuration.md';
    return undefined;
  },
};

/** One problem found in a setting or the portal file: where it is, what is wrong, how to fix it. */
export interface ConfigProblem {
  /** `PORT`, or a dotted path in the portal file such as `venues[2].branding.primaryColor`. */
  where: string;
  message: string;
}

/**
 * Thrown when start-up settings are invalid. It carries every problem at once, so an operator
 * fixes them in one pass instead of one restart per mistake.
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(source: string, problems: ConfigProblem[]) {
    super(`Invalid configuration in ${source}:\n` + problems.map((p) => `  - ${p.where}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** `['venues', 2, 'branding']` → `venues[2].branding`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(top level)';
}

export function problemsFromZod(error: z.ZodError, prefix = ''): ConfigProblem[] {
  return error.issues.map((issue) => ({
    where: prefix + formatPath(issue.path),
    message: issue.message,
  }));
}
