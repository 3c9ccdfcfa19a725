// What an MCP host gives the SDK: an OAuthClientProvider that keeps everything in memory, a "browser" that follows
// the authorization URL to the redirect the authorization server answers with, and a fetch that records what the
// SDK sent and got.
import { randomUUID } from 'node:crypto';
import type {
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';

/** A public client pre-registered at the authorization server (no dynamic registration, no metadata document). */
export class PreRegisteredClient implements OAuthClientProvider {
  /** Every URL the SDK sent the user's browser to, in order. */
  readonly authorizations: URL[] = [];
  private stored: StoredOAuthTokens | undefined;
  private client: StoredOAuthClientInformation;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  /** `issuer`: the authorization server the client is registered at (the SDK binds stored credentials to it). */
  constructor(
    clientId: string,
    issuer: string,
    private readonly redirectUri: string,
    tokens?: StoredOAuthTokens,
  ) {
    this.client = { client_id: clientId, issuer };
    this.stored = tokens;
  }

  get redirectUrl(): string {
    return this.redirectUri;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: 'audguard e2e',
      redirect_uris: [this.redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  /** A fresh `state` per authorization request; the SDK leaves comparing it on the callback to the host. */
  state(): string {
    return randomUUID();
  }

  clientInformation(): StoredOAuthClientInformation {
    return this.client;
  }

  saveClientInformation(client: StoredOAuthClientInformation): void {
    this.client = client;
  }

  tokens(): StoredOAuthTokens | undefined {
    return this.stored;
  }

  saveTokens(tokens: StoredOAuthTokens): void {
    this.stored = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizations.push(url);
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }

  saveDiscoveryState(state: OAuthDiscoveryState): void {
    this.discovery = state;
  }

  discoveryState(): OAuthDiscoveryState | undefined {
    return this.discovery;
  }

  /** The last authorization URL the SDK asked for; fails the test when there is none. */
  lastAuthorization(): URL {
    const url = this.authorizations.at(-1);
    if (url === undefined) throw new Error('the SDK never sent the browser to the authorization server');
    return url;
  }
}

/**
 * The user's browser: opens the authorization URL (the authorization server approves at once, `autoApprove`) and
 * answers the query of the redirect it is sent to. `rewrite` plays an attacker between the two (a mix-up).
 */
export async function approve(
  authorization: URL,
  rewrite: (callback: URLSearchParams) => void = () => {},
): Promise<URLSearchParams> {
  const response = await fetch(authorization, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`the authorization server answered ${response.status}: ${await response.text()}`);
  }
  const callback = new URL(location).searchParams;
  // What the host does before finishAuth: the SDK does not check state (RFC 6749 §10.12).
  if (callback.get('state') !== authorization.searchParams.get('state')) throw new Error('state mismatch');
  rewrite(callback);
  return callback;
}

export interface Exchange {
  method: string;
  url: string;
  /** The request body when it was a form (token requests). */
  form: URLSearchParams | undefined;
  status: number;
  challenge: string | null;
}

/** A fetch for the SDK's transport that records every request it makes (MCP, discovery, token) and its answer. */
export function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const type = request.headers.get('content-type') ?? '';
    const form = type.startsWith('application/x-www-form-urlencoded')
      ? new URLSearchParams(await request.clone().text())
      : undefined;
    const response = await fetch(request);
    log.push({
      method: request.method,
      url: request.url,
      form,
      status: response.status,
      challenge: response.headers.get('www-authenticate'),
    });
    return response;
  };
}
