import type { ClientAuthentication } from '../config/introspection.js';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The client credentials of one request to the authorization server: extra headers and form parameters. */
export interface ClientCredentials {
  readonly headers: Record<string, string>;
  readonly params: Record<string, string>;
}

/** RFC 6749 §2.3.1: the client id and secret are form-encoded before they are joined for Basic. */
function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * Authenticates this API to its authorization server (RFC 7662 §2.1): `client_secret_basic`, `client_secret_post`,
 * or `private_key_jwt` (RFC 7523), whose assertion is signed afresh for every request: `iss` and `sub` the client,
 * `aud` the issuer, a random `jti`, valid 60 seconds.
 */
export class ClientAuthenticator {
  private signingKey: Promise<CryptoKey | Uint8Array> | undefined;

  constructor(
    private readonly clientId: string,
    private readonly auth: ClientAuthentication,
    private readonly audience: string,
    private readonly now: () => number,
  ) {}

  async credentials(): Promise<ClientCredentials> {
    const { auth, clientId } = this;
    switch (auth.method) {
      case 'client_secret_basic': {
        const pair = `${formEncode(clientId)}:${formEncode(auth.secret)}`;
        return { headers: { authorization: `Basic ${btoa(pair)}` }, params: {} };
      }
      case 'client_secret_post':
        return { headers: {}, params: { client_id: clientId, client_secret: auth.secret } };
      case 'private_key_jwt':
        return {
          headers: {},
          params: {
            client_id: clientId,
            client_assertion_type: JWT_BEARER,
            client_assertion: await this.assertion(),
          },
        };
    }
  }

  private async assertion(): Promise<string> {
    const auth = this.auth as Extract<ClientAuthentication, { method: 'private_key_jwt' }>;
    // jose is loaded on first use only, as for the webcrypto backend.
    const { importJWK, SignJWT } = await import('jose');
    this.signingKey ??= importJWK(auth.key, auth.alg);
    const key = await this.signingKey;
    const iat = Math.floor(this.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({
        alg: auth.alg,
        ...(typeof auth.key.kid === 'string' ? { kid: auth.key.kid } : {}),
      })
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setAudience(this.audience)
      .setJti(crypto.randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(iat + 60)
      .sign(key);
  }
}
