import { unknownOption } from '@audguard/core/protocol';
import { ConfigurationError } from '../errors.js';

/**
 * Checks an issuer identifier (RFC 8414 §2): absolute http(s) URL, no query, no fragment, no credentials, and a
 * path of plain characters (it becomes part of the routes).
 */
export function checkIssuer(issuer: unknown): string {
  const field = 'issuer';
  if (typeof issuer !== 'string' || issuer === '') {
    throw new ConfigurationError(
      field,
      'give the issuer identifier as a URL string, e.g. https://as.example.com',
    );
  }
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigurationError(
      field,
      `"${issuer}" is not an absolute URL; use e.g. https://as.example.com`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(field, 'use an https: URL (http: only for local development)');
  }
  if (issuer.includes('?') || issuer.includes('#')) {
    throw new ConfigurationError(field, 'remove the query and fragment; RFC 8414 §2 forbids them');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(field, 'remove the user name and password from the URL');
  }
  if (!/^[A-Za-z0-9\-._~/]*$/.test(url.pathname)) {
    throw new ConfigurationError(field, 'use only letters, digits, "-", ".", "_", "~" and "/" in the path');
  }
  return issuer;
}

/** A lifetime in whole seconds greater than 0, or `fallback` when left out. */
export function lifetime(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new ConfigurationError(field, 'give a whole number of seconds greater than 0');
  }
  return value;
}

export function nonEmptyString(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new ConfigurationError(field, 'give a non-empty string');
  return value;
}

export function list(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new ConfigurationError(field, 'give an array');
  return value;
}

/** The fields of a configuration entry that must be an object (a resource, a client, a user). */
export function entry(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw new ConfigurationError(field, 'give an object');
  return value as Record<string, unknown>;
}

/** A redirect URI (RFC 6749 §3.1.2): absolute, without a fragment. */
export function checkRedirectUri(value: unknown, field: string): string {
  const uri = nonEmptyString(value, field);
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new ConfigurationError(field, `"${uri}" is not an absolute URI (RFC 6749 §3.1.2)`);
  }
  if (uri.includes('#') || url.hash !== '') {
    throw new ConfigurationError(field, 'remove the fragment (RFC 6749 §3.1.2)');
  }
  return uri;
}

/** The smallest secret accepted for an HMAC-SHA256 key: as many bytes as its output. */
export const MIN_SECRET_BYTES = 32;

/** A secret key of at least {@link MIN_SECRET_BYTES} bytes (a string counts its UTF-8 bytes), or `fallback`. */
export function secretKey(value: unknown, field: string, fallback: () => Uint8Array): Uint8Array {
  if (value === undefined) return fallback();
  const bytes =
    typeof value === 'string'
      ? new TextEncoder().encode(value)
      : value instanceof Uint8Array
        ? Uint8Array.from(value)
        : undefined;
  if (bytes === undefined) throw new ConfigurationError(field, 'give a string or a Uint8Array');
  if (bytes.length < MIN_SECRET_BYTES) {
    throw new ConfigurationError(
      field,
      `use at least ${MIN_SECRET_BYTES} bytes (got ${bytes.length}), e.g. 32 random bytes in base64url`,
    );
  }
  return bytes;
}

/**
 * The option names of a configuration type, in documentation order. Typed `Record<keyof T, true>`, so the compiler
 * refuses a list that misses a field of `T` or names one it does not have: the list cannot drift from the type.
 */
export function optionNames<T>(names: Record<keyof T, true>): readonly (keyof T & string)[] {
  return Object.keys(names) as (keyof T & string)[];
}

/**
 * Refuses option names nobody reads (a typo would otherwise be dropped silently — for a security option, a
 * downgrade), naming the closest known one: `clients[0]: unknown option "client_secret"; did you mean
 * "clientSecret"?`.
 */
export function refuseUnknown(value: object, known: readonly string[], field: string): void {
  const message = unknownOption(value, known, field);
  if (message !== undefined) throw new ConfigurationError(field, message.replace(`${field}: `, ''));
}
