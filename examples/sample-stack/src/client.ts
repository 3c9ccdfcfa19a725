// A small OAuth client, as a user of the stack would write one with nothing but fetch: discovery, client
// credentials, authorization code + PKCE, refresh and revocation.
import { createHash, randomBytes } from 'node:crypto';

export interface TokenResult {
  status: number;
  body: Record<string, unknown>;
}

export interface ApiResult {
  status: number;
  body: Record<string, unknown>;
  challenge: string | null;
}

interface Metadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  revocation_endpoint: string;
  code_challenge_methods_supported?: string[];
  dpop_signing_alg_values_supported?: string[];
}

export class OAuthClient {
  private constructor(readonly metadata: Metadata) {}

  /** RFC 8414 discovery: everything else is read from the metadata document. */
  static async discover(issuer: string): Promise<OAuthClient> {
    const response = await fetch(`${issuer}/.well-known/oauth-authorization-server`);
    if (response.status !== 200) throw new Error(`discovery failed: ${response.status}`);
    const metadata = (await response.json()) as Metadata;
    if (metadata.issuer !== issuer)
      throw new Error(`metadata names issuer ${metadata.issuer}, expected ${issuer}`);
    return new OAuthClient(metadata);
  }

  /** `dpopProof`: a DPoP proof for `POST <token_endpoint>`, for a token bound to its key (RFC 9449 §5). */
  clientCredentials(
    client: { clientId: string; clientSecret: string },
    params: { scope: string; resource?: string; dpopProof?: string },
  ) {
    return this.token(
      {
        grant_type: 'client_credentials',
        scope: params.scope,
        ...(params.resource ? { resource: params.resource } : {}),
      },
      basic(client.clientId, client.clientSecret),
      params.dpopProof,
    );
  }

  /**
   * The front channel of the code flow, done by fetch instead of a browser (the demo server auto-approves):
   * returns the code from the redirect.
   */
  async authorize(params: { clientId: string; redirectUri: string; scope: string; resources: string[] }) {
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(8).toString('base64url');
    const url = new URL(this.metadata.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', params.clientId);
    url.searchParams.set('redirect_uri', params.redirectUri);
    url.searchParams.set('scope', params.scope);
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', createHash('sha256').update(verifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    for (const resource of params.resources) url.searchParams.append('resource', resource);
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location') ?? 'about:blank');
    if (location.searchParams.get('state') !== state)
      throw new Error('authorization response lost the state');
    return { code: location.searchParams.get('code'), error: location.searchParams.get('error'), verifier };
  }

  redeemCode(params: {
    clientId: string;
    redirectUri: string;
    code: string;
    verifier: string;
    resource?: string;
  }) {
    return this.token({
      grant_type: 'authorization_code',
      client_id: params.clientId,
      redirect_uri: params.redirectUri,
      code: params.code,
      code_verifier: params.verifier,
      ...(params.resource ? { resource: params.resource } : {}),
    });
  }

  refresh(params: { clientId: string; refreshToken: string; resource?: string }) {
    return this.token({
      grant_type: 'refresh_token',
      client_id: params.clientId,
      refresh_token: params.refreshToken,
      ...(params.resource ? { resource: params.resource } : {}),
    });
  }

  async revoke(params: { clientId: string; token: string }): Promise<number> {
    const response = await fetch(this.metadata.revocation_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: params.clientId,
        token: params.token,
        token_type_hint: 'refresh_token',
      }),
    });
    await response.body?.cancel();
    return response.status;
  }

  private async token(
    params: Record<string, string>,
    authorization?: string,
    dpopProof?: string,
  ): Promise<TokenResult> {
    const response = await fetch(this.metadata.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
        ...(dpopProof ? { dpop: dpopProof } : {}),
      },
      body: new URLSearchParams(params),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }
}

/** Calls an API with a bearer token. */
export function callApi(url: string, token: string, method = 'GET'): Promise<ApiResult> {
  return callApiWith(url, { authorization: `Bearer ${token}` }, method);
}

/** Calls an API with these headers (a DPoP-bound token: `Authorization: DPoP …` and a `DPoP` proof). */
export async function callApiWith(
  url: string,
  headers: Record<string, string>,
  method = 'GET',
): Promise<ApiResult> {
  const response = await fetch(url, { method, headers });
  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: response.status, body, challenge: response.headers.get('www-authenticate') };
}

/** The `aud` of a JWT, for display (the client does not verify; the APIs do). */
export function audienceOf(token: string): string[] {
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    aud?: unknown;
  };
  return typeof payload.aud === 'string'
    ? [payload.aud]
    : Array.isArray(payload.aud)
      ? payload.aud.map(String)
      : [];
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}
