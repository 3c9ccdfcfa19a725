/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a `client_id` that is an https URL
 * names the JSON document describing the client. The document is fetched by the draft's rules (see
 * document-fetch.ts), checked, and cached in the store for as long as its `Cache-Control` allows within the
 * configured bounds; a failed fetch or an invalid document is never cached.
 */
import { sha256 } from '../crypto.js';
import { OAuthError } from '../errors.js';
import type { Records } from '../records.js';
import type { Client, ClientKeys, MetadataDocumentSettings, Resource } from '../settings.js';
import { checkClientMetadata, MAX_URI_LENGTH } from './client-metadata.js';
import { DocumentFetchError, documentFetcher, fetchDocument } from './document-fetch.js';
import { type StoredClient, toClient } from './stored-client.js';

/** A self-described client that cannot be used. Never redirected to: the 400 page at `/authorize`, 401 elsewhere. */
export class UntrustedClientError extends OAuthError {
  constructor(description: string) {
    super('invalid_client', description);
    this.name = 'UntrustedClientError';
  }
}

/** Whether `clientId` is meant as a Client Identifier URL: the server fetches only https ones. */
export function isClientIdUrl(clientId: string): boolean {
  return clientId.startsWith('https://');
}

/**
 * Why `clientId` is not a valid Client Identifier URL (draft §3), or `undefined`: https, a path other than `/`, no
 * fragment, no user name, no `.` or `..` segment, and written as `new URL()` writes it (lower-case host, no default
 * port…), so the string compared is the URL fetched.
 */
export function clientIdUrlProblem(clientId: string): string | undefined {
  if (clientId.length > MAX_URI_LENGTH) return `it is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return 'it is not a URL';
  }
  if (url.protocol !== 'https:') return 'it is not an https URL';
  if (clientId.includes('#')) return 'it has a fragment';
  if (url.username !== '' || url.password !== '') return 'it carries a user name';
  const path = clientId.slice(url.origin.length).split(/[?]/)[0] ?? '';
  if (path.split('/').some((segment) => /^(\.|%2e){1,2}$/i.test(segment))) return 'it has a . or .. segment';
  if (url.pathname === '/') return 'it has no path (host the document at e.g. /client.json)';
  if (url.href !== clientId) return `it is not in normal form (write it as ${url.href})`;
  return undefined;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];

/** The most redirect URIs a document may list (its 5 KB bound them already; this keeps the consent checks small). */
export const MAX_DOCUMENT_REDIRECT_URIS = 20;

/** `jwks` (public keys only) or `jwks_uri` of a `private_key_jwt` client; `untrusted` names the failure. */
export function checkKeys(doc: Record<string, unknown>, untrusted: (why: string) => Error): ClientKeys {
  const { jwks, jwks_uri: jwksUri } = doc;
  if ((jwks === undefined) === (jwksUri === undefined)) {
    throw untrusted('private_key_jwt needs exactly one of jwks and jwks_uri');
  }
  if (jwksUri !== undefined) {
    if (typeof jwksUri !== 'string' || clientIdUrlProblem(jwksUri) !== undefined) {
      throw untrusted('jwks_uri must be an https URL with a path');
    }
    return { jwksUri };
  }
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10) {
    throw untrusted('jwks must be a JWK Set with one to ten keys');
  }
  for (const key of keys) {
    if (typeof key !== 'object' || key === null || typeof (key as { kty?: unknown }).kty !== 'string') {
      throw untrusted('jwks holds something that is not a JWK');
    }
    if (PRIVATE_MEMBERS.some((member) => member in key)) {
      throw untrusted('jwks holds private or symmetric key material (draft §4.1)');
    }
  }
  return { jwks: { keys: keys as object[] } };
}

/** Checks a fetched document against its URL (draft §4, §4.1) and the policy; `untrusted` names the failure. */
export function checkMetadataDocument(
  doc: Record<string, unknown>,
  clientId: string,
  settings: MetadataDocumentSettings,
): StoredClient {
  const untrusted = (why: string) =>
    new UntrustedClientError(`The client metadata document is invalid: ${why}.`);
  if (doc.client_id !== clientId) throw untrusted('its client_id is not the URL it was fetched from');
  if (doc.client_secret !== undefined || doc.client_secret_expires_at !== undefined) {
    throw untrusted('it must not hold client_secret or client_secret_expires_at (draft §4.1)');
  }
  const method = doc.token_endpoint_auth_method;
  if (typeof method === 'string' && /^client_secret_/.test(method)) {
    throw untrusted(
      `token_endpoint_auth_method ${method} rests on a shared secret, which a document cannot have`,
    );
  }
  if (method === undefined) {
    throw untrusted(
      'declare token_endpoint_auth_method none (a public client) or private_key_jwt; left out, it means client_secret_basic (RFC 7591 §2)',
    );
  }
  if (method !== 'none' && method !== 'private_key_jwt') {
    throw untrusted('token_endpoint_auth_method must be none or private_key_jwt');
  }
  let metadata: ReturnType<typeof checkClientMetadata>;
  try {
    metadata = checkClientMetadata(doc, settings, {
      maxRedirectUris: MAX_DOCUMENT_REDIRECT_URIS,
      defaultType: undefined,
    });
  } catch (error) {
    if (error instanceof OAuthError) throw untrusted(error.description.replace(/\.$/, ''));
    throw error;
  }
  return {
    kind: 'metadata-document',
    clientId,
    authMethod: method,
    ...(method === 'private_key_jwt' ? { keys: checkKeys(doc, untrusted) } : {}),
    name: metadata.clientName ?? new URL(clientId).host,
    grantTypes: metadata.grantTypes,
    redirectUris: metadata.redirectUris,
    scopes: metadata.scopes,
    resources: settings.resources.map((resource) => resource.id),
  };
}

/**
 * The clients described by metadata documents, and their key sets: from the store's cache, else fetched — one
 * fetch at a time per URL in this process (single flight), so a burst of requests costs the client's host one GET.
 */
export class MetadataDocuments {
  readonly #settings: MetadataDocumentSettings;
  readonly #records: Records;
  readonly #resources: ReadonlyMap<string, Resource>;
  readonly #fetch: typeof globalThis.fetch;
  readonly #inflight = new Map<string, Promise<unknown>>();

  constructor(
    settings: MetadataDocumentSettings,
    records: Records,
    resources: ReadonlyMap<string, Resource>,
  ) {
    this.#settings = settings;
    this.#records = records;
    this.#resources = resources;
    this.#fetch = documentFetcher(settings);
  }

  /** The client `clientId` names. Throws {@link UntrustedClientError} saying why it cannot be used. */
  async client(clientId: string): Promise<Client> {
    const problem = clientIdUrlProblem(clientId);
    if (problem !== undefined) throw new UntrustedClientError(`The client_id URL is not valid: ${problem}.`);
    const hash = await sha256(clientId);
    const stored =
      (await this.#records.cachedMetadataDocument(hash)) ??
      (await this.#once(`document:${hash}`, async () => {
        const fetched = await this.#get(clientId, 'client metadata document');
        const checked = checkMetadataDocument(fetched.body, clientId, this.#settings);
        if (fetched.cacheSeconds > 0) {
          await this.#records.cacheMetadataDocument(hash, checked, fetched.cacheSeconds);
        }
        return checked;
      }));
    return toClient(stored, this.#settings, this.#resources);
  }

  /** The public keys of a `private_key_jwt` client: inline, or its `jwks_uri` (cached like a document). */
  async keys(client: Client): Promise<{ keys: object[] }> {
    const keys = client.keys;
    if (keys === undefined) throw new UntrustedClientError('The client has no keys.');
    if ('jwks' in keys) return { keys: [...keys.jwks.keys] };
    const hash = await sha256(keys.jwksUri);
    const cached = await this.#records.cachedClientKeys(hash);
    if (cached !== undefined) return cached;
    return this.#once(`jwks:${hash}`, async () => {
      const fetched = await this.#get(keys.jwksUri, 'client key set (jwks_uri)');
      const list = fetched.body.keys;
      if (!Array.isArray(list) || list.some((key) => typeof key !== 'object' || key === null)) {
        throw new UntrustedClientError('The client key set at jwks_uri is not a JWK Set.');
      }
      const jwks = { keys: list as object[] };
      if (fetched.cacheSeconds > 0) await this.#records.cacheClientKeys(hash, jwks, fetched.cacheSeconds);
      return jwks;
    });
  }

  async #get(url: string, what: string) {
    try {
      return await fetchDocument(this.#settings, this.#fetch, url);
    } catch (error) {
      if (error instanceof DocumentFetchError) {
        throw new UntrustedClientError(`The ${what} at ${url} could not be used: ${error.reason}.`);
      }
      throw error;
    }
  }

  #once<T>(key: string, run: () => Promise<T>): Promise<T> {
    const running = this.#inflight.get(key);
    if (running !== undefined) return running as Promise<T>;
    const started = run().finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, started);
    return started;
  }
}
