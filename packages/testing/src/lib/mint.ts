import { unknownOption } from '@audguard/core/protocol';
import { base64url, CompactSign } from 'jose';
import type { TestTokenOptions } from '../issuer.js';
import type { IssuerInternals, MintOverrides, MintRequest } from './internals.js';

const TOKEN_OPTIONS = Object.keys({
  resource: true,
  scopes: true,
  subject: true,
  clientId: true,
  expiresIn: true,
  claims: true,
} satisfies Record<keyof TestTokenOptions, true>);

/**
 * Refuses option names `token()` (or a forgery, with its `extra` names) does not read, naming the closest known one.
 * @internal
 */
export function checkTokenOptions(options: unknown, where: string, extra: readonly string[] = []): void {
  if (typeof options !== 'object' || options === null) return; // mintRequest says what to pass
  const typo = unknownOption(options, [...TOKEN_OPTIONS, ...extra], where);
  if (typo !== undefined) throw new TypeError(`audguard/testing: ${typo}`);
}

/**
 * Checks `token()` options against the declared resources and fills in the defaults. `strictScopes: false` lets a
 * forgery carry scopes the resource does not own (a token for another API with this API's scope names). @internal
 */
export function mintRequest(
  internals: IssuerInternals,
  options: TestTokenOptions,
  strictScopes = true,
): MintRequest {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(
      "audguard/testing: token() needs options, e.g. { resource: 'https://api.example.com' }.",
    );
  }
  const audience = typeof options.resource === 'string' ? [options.resource] : [...(options.resource ?? [])];
  if (audience.length === 0) {
    throw new TypeError('audguard/testing: token() needs a resource: the API the token is for.');
  }
  const owned = new Set<string>();
  let open = false;
  for (const id of audience) {
    if (!internals.resources.has(id)) {
      throw new TypeError(
        `audguard/testing: ${JSON.stringify(id)} is not a resource of this test issuer; declare it in ` +
          `startTestIssuer({ resources }) (declared: ${[...internals.resources.keys()].join(', ')}).`,
      );
    }
    const scopes = internals.resources.get(id);
    if (scopes === undefined) open = true;
    else for (const scope of scopes) owned.add(scope);
  }
  const scopes = options.scopes === undefined ? (open ? [] : [...owned]) : [...options.scopes];
  if (!open && strictScopes) {
    const unknown = scopes.filter((scope) => !owned.has(scope));
    if (unknown.length > 0) {
      throw new TypeError(
        `audguard/testing: ${audience.join(', ')} does not own the scope(s) ${unknown.join(', ')}; ` +
          `declare them in its TestResource scopes (owned: ${[...owned].join(', ')}).`,
      );
    }
  }
  const expiresIn = options.expiresIn ?? internals.accessTokenLifetime;
  if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn)) {
    throw new TypeError('audguard/testing: expiresIn is a number of seconds.');
  }
  return {
    audience,
    scopes,
    subject: options.subject ?? internals.defaultSubject,
    clientId: options.clientId ?? internals.defaultClientId,
    expiresIn,
    ...(options.claims === undefined ? {} : { claims: options.claims }),
  };
}

/** The RFC 9068 claims for `request`, `overrides` merged last (`undefined` removes a claim). @internal */
export function accessTokenClaims(
  internals: IssuerInternals,
  request: MintRequest,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const iat = Math.floor(internals.now() / 1000);
  const [single] = request.audience;
  const claims: Record<string, unknown> = {
    iss: internals.issuer,
    sub: request.subject,
    // One audience as a string, several as an array: what the authorization server does.
    aud: request.audience.length === 1 ? single : [...request.audience],
    exp: iat + request.expiresIn,
    iat,
    jti: base64url.encode(crypto.getRandomValues(new Uint8Array(16))),
    client_id: request.clientId,
    ...(request.scopes.length === 0 ? {} : { scope: request.scopes.join(' ') }),
    ...request.claims,
    ...overrides,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

const encoder = new TextEncoder();

/** Signs an access token (`typ: at+jwt`) for `request` with the overrides applied. @internal */
export async function signAccessToken(
  internals: IssuerInternals,
  request: MintRequest,
  overrides: MintOverrides = {},
): Promise<string> {
  const key = overrides.key ?? internals.currentKey();
  const header: Record<string, unknown> = { typ: 'at+jwt', ...overrides.header, alg: key.alg, kid: key.kid };
  for (const [name, value] of Object.entries(header)) if (value === undefined) delete header[name];
  const payload = encoder.encode(JSON.stringify(internals.claims(request, overrides.claims)));
  // CompactSign, not SignJWT: the payload is exactly the claims given, with nothing validated or added.
  return new CompactSign(payload).setProtectedHeader(header as { alg: string }).sign(key.privateKey);
}
