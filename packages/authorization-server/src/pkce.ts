import { sha256, timingSafeEqual } from './crypto.js';
import { OAuthError } from './errors.js';

// RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is always 43 characters.
const challengeFormat = /^[A-Za-z0-9_-]{43}$/;
// RFC 7636 §4.1: code-verifier = 43*128unreserved
const verifierFormat = /^[A-Za-z0-9\-._~]{43,128}$/;

/**
 * Checks the PKCE parameters of an authorization request: a challenge is required, its method must be `S256`
 * (`plain`, or no method, which RFC 7636 reads as `plain`, is refused) and it must look like a SHA-256 digest.
 * Errors are `invalid_request`.
 */
export function checkCodeChallenge(challenge: string | undefined, method: string | undefined): string {
  if (challenge === undefined) {
    throw new OAuthError(
      'invalid_request',
      'PKCE is required: send code_challenge with code_challenge_method=S256.',
    );
  }
  if (method !== 'S256') {
    throw new OAuthError('invalid_request', 'code_challenge_method must be S256; plain is not supported.');
  }
  if (!challengeFormat.test(challenge)) {
    throw new OAuthError(
      'invalid_request',
      'code_challenge must be 43 base64url characters (a SHA-256 digest).',
    );
  }
  return challenge;
}

/**
 * Checks a `code_verifier` against the challenge recorded with the code (RFC 7636 §4.6). A verifier for a code
 * issued without a challenge is refused too (RFC 9700 §2.1.1). Failures are `invalid_grant`.
 */
export async function verifyCodeVerifier(
  challenge: string | undefined,
  verifier: string | undefined,
): Promise<void> {
  if (challenge === undefined) {
    if (verifier !== undefined) {
      throw new OAuthError('invalid_grant', 'code_verifier sent for a code issued without code_challenge.');
    }
    return;
  }
  if (verifier === undefined)
    throw new OAuthError('invalid_grant', 'code_verifier is required for this code.');
  if (!verifierFormat.test(verifier) || !(await timingSafeEqual(await sha256(verifier), challenge))) {
    throw new OAuthError('invalid_grant', 'PKCE verification failed.');
  }
}
