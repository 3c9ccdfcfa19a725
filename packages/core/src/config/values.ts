import { ConfigurationError } from '../errors.js';
import { unknownOption } from '../lib/known-options.js';

/** Throws the {@link ConfigurationError} that says what to fix. */
export function fail(message: string): never {
  throw new ConfigurationError(`audguard: ${message}`);
}

/** An absolute http(s) URL, returned unchanged (identifiers are compared as written). */
export function absoluteUrl(value: unknown, name: string): string {
  try {
    const url = new URL(value as string);
    if (typeof value === 'string' && (url.protocol === 'https:' || url.protocol === 'http:')) return value;
  } catch {}
  return fail(`${name} ${JSON.stringify(value)} must be an absolute http(s) URL.`);
}

/** A string or an array of non-empty strings, as an array. */
export function stringList(value: unknown, name: string): string[] {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? [...value] : undefined;
  if (values === undefined) fail(`${name} must be a string or an array of strings.`);
  for (const v of values as unknown[]) {
    if (typeof v !== 'string' || v.length === 0) fail(`${name} values must be non-empty strings.`);
  }
  return values as string[];
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    fail(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${JSON.stringify(value)}.`);
  }
  return value as T;
}

export function positive(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    fail(`${name} must be a positive number.`);
  return value;
}

export function nonNegative(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    fail(`${name} must be a number ≥ 0.`);
  return value;
}

/** Refuses option names nobody reads, naming the closest known one (a typo must not pass silently). */
export function checkKnown(options: object, known: readonly string[], where: string): void {
  const message = unknownOption(options, known, where);
  if (message !== undefined) fail(message);
}

/** An optional object of options: `undefined` or a plain object whose names are all known. */
export function optionObject<T extends object>(
  value: T | undefined,
  known: readonly string[],
  where: string,
): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    fail(`${where} must be an object.`);
  checkKnown(value, known, where);
  return value;
}
