import { callAudience } from '../audience-policies.js';
import { vouchedFor } from '../decisions.js';
import { type AuthScheme, isAuthError } from '../errors.js';
import {
  type AuthenticateRequest,
  type BearerMethods,
  type Credential,
  extractCredential,
} from '../extract.js';
import type { Maybe } from '../lib/maybe.js';
import type { AccessToken } from '../types.js';
import type { AuthenticateOptions, CallContext, VerifyOptions } from '../verifier-api.js';
import type { DpopChecker } from './check.js';

/** What the DPoP request path needs of the verifier: its token check and its scope check. */
export interface TokenSteps<T extends AccessToken<object>> {
  verifyToken(token: string, context: CallContext): Maybe<T>;
  withScopes(token: T, options: VerifyOptions): T;
}

/**
 * `authenticate` with DPoP on (RFC 9449 §7): the scheme comes with the token; the request's form is checked first,
 * then the token, then its binding and the proof, then the scopes. Every refusal names the scheme, so the right
 * challenge carries it. No closure is made per request on the synchronous (bearer) path.
 */
export function authenticateWithDpop<T extends AccessToken<object>>(
  request: AuthenticateRequest,
  options: AuthenticateOptions,
  dpop: DpopChecker,
  methods: BearerMethods,
  steps: TokenSteps<T>,
): Maybe<T | undefined> {
  const credential = extractCredential(request, methods);
  if (credential instanceof Promise) {
    return credential.then((found) => withCredential(request, options, dpop, steps, found));
  }
  return withCredential(request, options, dpop, steps, credential);
}

function withCredential<T extends AccessToken<object>>(
  request: AuthenticateRequest,
  options: AuthenticateOptions,
  dpop: DpopChecker,
  steps: TokenSteps<T>,
  credential: Credential | undefined,
): Maybe<T | undefined> {
  if (credential === undefined) {
    if (options.credentialsRequired === false) return undefined;
    throw dpop.missingToken();
  }
  const { scheme } = credential;
  let result: Maybe<T>;
  try {
    const proof = dpop.proofOf(request, scheme);
    const found = steps.verifyToken(credential.token, { request, audience: callAudience(options) });
    result =
      found instanceof Promise
        ? found.then((token) => confirmBinding(request, options, dpop, steps, token, proof))
        : confirmBinding(request, options, dpop, steps, found, proof);
  } catch (error) {
    throw withScheme(error, scheme);
  }
  return result instanceof Promise ? result.catch((error: unknown) => withScheme(error, scheme)) : result;
}

/**
 * The token's binding and the proof (none without a request: `verify()`), then the scopes; a refusal carries the
 * token's claims to the audit trail.
 */
export function confirmBinding<T extends AccessToken<object>>(
  request: AuthenticateRequest | undefined,
  options: VerifyOptions,
  dpop: DpopChecker,
  steps: TokenSteps<T>,
  token: T,
  proof: string | undefined,
): Maybe<T> {
  let check: Maybe<void>;
  try {
    check = request === undefined ? dpop.proofless(token) : dpop.confirm(request, token, proof);
  } catch (error) {
    vouchedFor(error, token.claims, token.scopes);
    throw error;
  }
  if (!(check instanceof Promise)) return steps.withScopes(token, options);
  return check.then(
    () => steps.withScopes(token, options),
    (error: unknown) => {
      vouchedFor(error, token.claims, token.scopes);
      throw error;
    },
  );
}

/** Names the scheme of the refused request on the error, for the challenge (RFC 9449 §7.2). */
export function tagScheme(error: unknown, scheme: AuthScheme): void {
  if (isAuthError(error) && error.scheme === undefined) (error as { scheme: AuthScheme }).scheme = scheme;
}

function withScheme(error: unknown, scheme: AuthScheme): never {
  tagScheme(error, scheme);
  throw error;
}
