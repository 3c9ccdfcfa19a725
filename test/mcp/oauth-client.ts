// What an MCP host gives the SDK: an OAuthClientProvider that keeps everything in memory, a "browser" that follows
// the authorization URL to the redirect the authorization server answers with, and a fetch that records what the
// SDK sent and got.
import { randomUUID } from 'node:crypto';
import {
  Client,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';

/**
 * An MCP host's in-memory OAuthClientProvider. It starts with the client information it is given (a pre-registered
 * client) or none (the SDK then uses a metadata document URL or registers the client, and saves what it got).
 */
export class InMemoryClient implements OAuthClientProvider {
  /** Every URL the SDK sent the user's browser to, in order. */
  readonly authorizations: URL[] = [];
  private stored: StoredOAuthTokens | undefined;
  private client: StoredOAuthClientInformation | undefined;
  private verifier = '';
  private discovery: OAuthDiscoveryState | undefined;

  constructor(
    private readonly redirectUri: string,
    client: StoredOAuthClientInformation | undefined,
    tokens?: StoredOAuthTokens,
  ) {
    this.client = client;
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

  clientInformation(): StoredOAuthClientInformation | undefined {
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

/** A public client pre-registered at the authorization server (no dynamic registration, no metadata document). */
export class PreRegisteredClient extends InMemoryClient {
  /** `issuer`: the authorization server the client is registered at (the SDK binds stored credentials to it). */
  constructor(clientId: string, issuer: string, redirectUri: string, tokens?: StoredOAuthTokens) {
    super(redirectUri, { client_id: clientId, issuer }, tokens);
  }
}

/**
 * A client identified by its Client ID Metadata Document: the SDK reads `clientMetadataUrl` and, when the
 * authorization server advertises `client_id_metadata_document_supported`, uses the URL as `client_id` instead of
 * registering (node_modules/@modelcontextprotocol/client/dist/public-*.mjs, `authInternal`: "supportsUrlBasedClientId
 * && clientMetadataUrl"; the provider field is documented on OAuthClientProvider as "External URL the server should
 * use to fetch client metadata document").
 */
export class MetadataDocumentClient extends InMemoryClient {
  constructor(
    readonly clientMetadataUrl: string,
    redirectUri: string,
  ) {
    super(redirectUri, undefined);
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

/** A v2 client and its transport to `url`, the way a host wires them. */
export function connectTo(url: string, provider: OAuthClientProvider, log: Exchange[] = []) {
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    authProvider: provider,
    fetch: recordingFetch(log),
  });
  const client = new Client({ name: 'audguard-e2e', version: '1.0.0' });
  return { client, transport, connect: () => client.connect(transport) };
}

/** The whole first authorization: 401, discovery, browser, callback, token; then a connected client. */
export async function authorized(url: string, provider: InMemoryClient, log: Exchange[] = []) {
  const first = connectTo(url, provider, log);
  const refused = await first.connect().then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(refused instanceof UnauthorizedError)) throw new Error(`expected UnauthorizedError, got ${refused}`);
  await first.transport.finishAuth(await approve(provider.lastAuthorization()));
  const { client, transport } = connectTo(url, provider, log);
  await client.connect(transport);
  return { client, transport, provider, log };
}

/** The claims of a JWT access token (its payload, unverified: the MCP server verified it already). */
export function claimsOf(jwt: string | undefined): Record<string, unknown> {
  if (jwt === undefined) throw new Error('no access token');
  return JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()) as Record<
    string,
    unknown
  >;
}
