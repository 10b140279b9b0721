import type { z } from 'zod';
import { closestName } from './suggest.js';

/**
 * Per-parse wording for zod's generic messages (passed to `safeParse`, not set globally, because
 * host apps that embed the portal may use zod too).
 */
export const friendlyErrors = {
  error(issue: { code: string; input?: unknown }): string | undefined {
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return 'is missing: add this setting (see docs/configuration.md)';
    }
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

/** What `problemsFromZod` needs to say "missing" and "did you mean": the input and the schema it was checked with. */
export interface ZodContext {
  input: unknown;
  schema: z.ZodType;
}

/**
 * Problems from a failed parse, in an operator's words. With the input and schema: a setting whose
 * key is absent is "missing" (whatever the schema's own wording for a wrong value), and each
 * unknown key is its own problem, with the closest known key of that object as a suggestion.
 */
export function problemsFromZod(error: z.ZodError, prefix = '', context?: ZodContext): ConfigProblem[] {
  return error.issues.flatMap((issue): ConfigProblem[] => {
    const where = prefix + formatPath(issue.path);
    if (issue.code === 'unrecognized_keys' && context) {
      const known = knownKeys(context.schema, issue.path);
      return issue.keys.map((key) => {
        const guess = closestName(key, known);
        return {
          where: prefix + formatPath([...issue.path, key]),
          message: `is not a known setting${guess ? `; did you mean "${guess}"?` : ''} (see docs/configuration.md)`,
        };
      });
    }
    if (issue.code === 'unrecognized_keys')
      return [{ where, message: `has unknown settings: ${issue.keys.join(', ')} (see docs/configuration.md)` }];
    if (context && MISSING_CODES.has(issue.code) && isAbsent(context.input, issue.path))
      return [{ where, message: issue.message.startsWith('is missing') ? issue.message : MISSING }];
    return [{ where, message: issue.message }];
  });
}

const MISSING = 'is missing: add this setting (see docs/configuration.md)';
const MISSING_CODES: ReadonlySet<string> = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

/** True when the last key of `path` is absent from its parent object in the input. */
function isAbsent(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return input === undefined;
  let parent: unknown = input;
  for (const key of path.slice(0, -1)) {
    if (parent === null || typeof parent !== 'object') return false;
    parent = (parent as Record<PropertyKey, unknown>)[key];
  }
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return false;
  return (parent as Record<PropertyKey, unknown>)[path[path.length - 1]!] === undefined;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  element?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  left?: z.ZodType;
  right?: z.ZodType;
  entries?: Record<string, string>;
}
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The schemas a value at `path` is checked with, through defaults, optionals, pipes, arrays, records and unions. */
function schemasAt(schema: z.ZodType, path: readonly PropertyKey[], depth = 0): z.ZodType[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  const wrapped = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  if (wrapped) return schemasAt(wrapped, path, depth + 1);
  if (def.type === 'union') return def.options!.flatMap((o) => schemasAt(o, path, depth + 1));
  if (def.type === 'intersection') return [def.left!, def.right!].flatMap((o) => schemasAt(o, path, depth + 1));
  if (path.length === 0) return [schema];
  const [head, ...rest] = path;
  if (def.type === 'object') {
    const child = def.shape![String(head)];
    return child ? schemasAt(child, rest, depth + 1) : [];
  }
  if (def.type === 'array' && typeof head === 'number') return schemasAt(def.element!, rest, depth + 1);
  if (def.type === 'record') return schemasAt(def.valueType!, rest, depth + 1);
  return [];
}

/** The keys an object (or an enum-keyed record) at `path` knows. */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return schemasAt(schema, path).flatMap((s) => {
    const def = defOf(s);
    if (def.type === 'object') return Object.keys(def.shape!);
    if (def.type === 'record' && def.keyType && defOf(def.keyType).entries)
      return Object.values(defOf(def.keyType).entries!);
    return [];
  });
}

/** Whether every object in the schema rejects unknown keys (records and `except` paths aside). */
export function looseObjects(schema: z.ZodType, except: ReadonlySet<string> = new Set()): string[] {
  const loose: string[] = [];
  const seen = new Set<z.ZodType>();
  const walk = (s: z.ZodType, at: string): void => {
    if (seen.has(s) || except.has(at)) return;
    seen.add(s);
    const def = defOf(s);
    if (def.innerType) return walk(def.innerType, at);
    if (def.type === 'pipe') return walk(def.in!, at);
    if (def.type === 'union') return def.options!.forEach((o) => walk(o, at));
    if (def.type === 'array') return walk(def.element!, `${at}[]`);
    if (def.type === 'record') return walk(def.valueType!, `${at}.*`);
    if (def.type !== 'object') return;
    const catchall = (def as { catchall?: z.ZodType }).catchall;
    if (!catchall || defOf(catchall).type !== 'never') loose.push(at || '(top level)');
    for (const [key, child] of Object.entries(def.shape!)) walk(child, at ? `${at}.${key}` : key);
  };
  walk(schema, '');
  return loose;
}
