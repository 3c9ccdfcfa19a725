import { base64url, CompactSign, exportSPKI } from 'jose';
import type { TestIssuer, TestTokenOptions } from './issuer.js';
import { internalsOf, type MintRequest } from './lib/internals.js';
import { checkTokenOptions, mintRequest } from './lib/mint.js';

// Every forgery starts from a valid token for the API under attack (the same options as `issuer.token()`) and breaks
// exactly one thing, so a refusal proves that one check. Scopes are not checked against the resource: a forgery may
// carry any scope.

/** Far beyond any sane clock tolerance (some stacks allow 5 minutes), so only a missing check lets it in. */
const ONE_HOUR = 3600;

const encoder = new TextEncoder();

/** `extra`: the forgery's own option names, beside those of `token()`. */
function forgery(issuer: TestIssuer, options: TestTokenOptions, name: string, extra: readonly string[] = []) {
  const internals = internalsOf(issuer);
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      `audguard/testing: ${name}(issuer, options) needs options, e.g. { resource: '...' }.`,
    );
  }
  checkTokenOptions(options, `${name}()`, extra);
  return { internals, request: mintRequest(internals, options, false) };
}

/**
 * Replay across APIs: a genuine token from the trusted issuer, minted for another API (`options.resource` is that
 * other API), presented to yours. Pass the scopes your route needs, as a real token with shared scope names would
 * carry them.
 * @example
 * ```ts
 * const token = await forgeForeignAudience(issuer, { resource: 'https://invoices.example.com', scopes: ['read'] });
 * ```
 */
export async function forgeForeignAudience(issuer: TestIssuer, options: TestTokenOptions): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeForeignAudience');
  return internals.mint(request);
}

/**
 * Replay of a token minted for several other APIs at once: `aud` is an array (`options.resource` lists them),
 * which catches audience checks that only look at a string `aud`, or only at its first entry.
 */
export async function forgeMultiAudience(
  issuer: TestIssuer,
  options: TestTokenOptions & { resource: readonly string[] },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeMultiAudience');
  if (request.audience.length < 2) {
    throw new TypeError('audguard/testing: forgeMultiAudience needs at least two resources.');
  }
  return internals.mint(request);
}

/** Replay of an old token: validly signed, expired `expiredFor` seconds ago (default 3600). */
export async function forgeExpired(
  issuer: TestIssuer,
  options: TestTokenOptions & { expiredFor?: number },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeExpired', ['expiredFor']);
  const exp = Math.floor(internals.now() / 1000) - (options.expiredFor ?? ONE_HOUR);
  return internals.mint(request, { claims: { iat: exp - request.expiresIn, exp } });
}

/** A token used before its time: validly signed, `nbf` `validIn` seconds from now (default 3600). */
export async function forgeNotYetValid(
  issuer: TestIssuer,
  options: TestTokenOptions & { validIn?: number },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeNotYetValid', ['validIn']);
  const nbf = Math.floor(internals.now() / 1000) + (options.validIn ?? ONE_HOUR);
  return internals.mint(request, { claims: { nbf, exp: nbf + request.expiresIn } });
}

/**
 * A token from an issuer you do not trust, signed with a key you do: another tenant of a multi-tenant issuer that
 * shares its keys. `iss` defaults to `<issuer>/other-tenant`, which also catches prefix matching on `iss`.
 */
export async function forgeWrongIssuer(
  issuer: TestIssuer,
  options: TestTokenOptions & { iss?: string },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeWrongIssuer', ['iss']);
  return internals.mint(request, { claims: { iss: options.iss ?? `${internals.issuer}/other-tenant` } });
}

/** An unsigned token: `alg: "none"` and an empty signature, accepted by verifiers that trust the header's `alg`. */
export async function forgeAlgNone(issuer: TestIssuer, options: TestTokenOptions): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeAlgNone');
  const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }));
  const payload = base64url.encode(JSON.stringify(internals.claims(request)));
  return `${header}.${payload}.`;
}

/**
 * Algorithm confusion: `alg: "HS256"`, HMAC-signed with the issuer's *public* key (its PEM text) as the secret,
 * accepted by verifiers that pick the algorithm from the token and hand the same key to either kind.
 */
export async function forgeKeyConfusion(issuer: TestIssuer, options: TestTokenOptions): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeKeyConfusion');
  const key = internals.currentKey();
  const payload = encoder.encode(JSON.stringify(internals.claims(request)));
  return new CompactSign(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
    .sign(encoder.encode(await exportSPKI(key.publicKey)));
}

/** A token the attacker signed with their own key: a `kid` the issuer never published. */
export async function forgeUnknownKey(issuer: TestIssuer, options: TestTokenOptions): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeUnknownKey');
  return internals.mint(request, { key: await internals.foreignKey() });
}

/**
 * A valid token whose payload was edited after signing (`sub` swapped, default `'admin'`) with the original
 * signature kept, accepted by code that decodes without verifying.
 */
export async function forgeTampered(
  issuer: TestIssuer,
  options: TestTokenOptions & { tamperedSubject?: string },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeTampered', ['tamperedSubject']);
  const [header, payload, signature] = (await internals.mint(request)).split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as Record<
    string,
    unknown
  >;
  claims.sub = options.tamperedSubject ?? 'admin';
  return `${header}.${base64url.encode(JSON.stringify(claims))}.${signature}`;
}

/**
 * Another kind of JWT from the same issuer and key, replayed as an access token: `typ` defaults to `logout+jwt`
 * (an OpenID back-channel logout token, which every relying party receives). RFC 8725 §3.11.
 */
export async function forgeWrongType(
  issuer: TestIssuer,
  options: TestTokenOptions & { typ?: string },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeWrongType', ['typ']);
  return internals.mint(request, { header: { typ: options.typ ?? 'logout+jwt' } });
}

/**
 * A valid token for the API that lacks the scopes the route requires (`requiredScopes`): it carries the resource's
 * other scopes (or `options.scopes`, minus the required ones). Expect 403 `insufficient_scope`.
 */
export async function forgeMissingScope(
  issuer: TestIssuer,
  options: TestTokenOptions & { requiredScopes: readonly string[] },
): Promise<string> {
  const { internals, request } = forgery(issuer, options, 'forgeMissingScope', ['requiredScopes']);
  const required = new Set(options.requiredScopes ?? []);
  if (required.size === 0) {
    throw new TypeError(
      'audguard/testing: forgeMissingScope needs requiredScopes: the scopes the route requires.',
    );
  }
  const lacking: MintRequest = { ...request, scopes: request.scopes.filter((scope) => !required.has(scope)) };
  return internals.mint(lacking);
}
