import {
  type AuthorizationServer,
  type AuthorizationServerConfig,
  type ClientConfig,
  CONFIG_OPTION_NAMES,
  ConfigurationError,
  createAuthorizationServer,
  DEFAULTS,
  generateSigningKey,
  KeyRing,
  type ResourceConfig,
  type SigningKey,
} from '@audguard/authorization-server';
import { unknownOption } from '@audguard/core/protocol';
import { type IssuerInternals, register } from './lib/internals.js';
import { accessTokenClaims, checkTokenOptions, mintRequest, signAccessToken } from './lib/mint.js';
import { serveOnLoopback } from './lib/serve.js';

/**
 * A resource (an API) the test issuer mints tokens for.
 * @example
 * ```ts
 * { id: 'https://orders.example.com', scopes: ['orders:read', 'orders:write'] }
 * ```
 */
export interface TestResource {
  /** The resource identifier (RFC 8707): an absolute URI without a fragment. It becomes the tokens' `aud`. */
  id: string;
  /**
   * The scopes this resource owns. `token()` refuses scopes the resource does not own, and grants all of them when
   * asked for none. Default: none declared — `token()` then grants exactly the scopes it is asked for.
   */
  scopes?: readonly string[];
  /** Shown on the authorization server's consent page. Default is the `id`. */
  name?: string;
  /** See the authorization server's `ResourceConfig.requireResourceIndicator`. Default is `false`. */
  requireResourceIndicator?: boolean;
}

/**
 * Options of {@link startTestIssuer}. Beside `resources` and `clients`, every option is the authorization server's
 * own (`accessTokenLifetime`, `signingAlgorithm`, `users`, `autoApprove`, `now`, ...), with its defaults. An unknown
 * option name is refused with a {@link ConfigurationError} naming the closest known one.
 */
export interface TestIssuerOptions
  extends Omit<AuthorizationServerConfig, 'issuer' | 'resources' | 'clients'> {
  /**
   * The APIs tokens can be minted for: resource identifiers, or {@link TestResource} objects to declare their
   * scopes. List the API under test and the other APIs whose tokens must not get into it.
   */
  resources: readonly (string | TestResource)[];
  /**
   * Clients registered at the authorization server, for tests that go through its `/token` or `/authorize`.
   * Default: one confidential client, {@link DEFAULT_CLIENT}, allowed `client_credentials` and every scope.
   */
  clients?: readonly ClientConfig[];
}

/** Options of {@link TestIssuer.token}. */
export interface TestTokenOptions {
  /**
   * The API the token is for (its `aud`), or several for a multi-audience token. Each must be one of the issuer's
   * `resources`.
   */
  resource: string | readonly string[];
  /**
   * The granted scopes (the `scope` claim). When the resource declares scopes, each must be one of them; the default
   * is all of them. For a resource given as a plain id, the default is none.
   */
  scopes?: readonly string[];
  /** The `sub` claim. Default is `'test-user'`. */
  subject?: string;
  /** The `client_id` claim. Default is the default client's id, `'test-client'` (or the first configured client's). */
  clientId?: string;
  /**
   * Seconds from now until `exp`. Default is the `accessTokenLifetime` (300). For expired or not-yet-valid tokens use
   * the forgeries {@link forgeExpired} and {@link forgeNotYetValid}.
   */
  expiresIn?: number;
  /** More claims (`tenant`, `roles`, ...), merged last: they override the defaults of the same name. Default: none. */
  claims?: Record<string, unknown>;
}

/** The client registered when {@link TestIssuerOptions.clients} is left out. */
export const DEFAULT_CLIENT = Object.freeze({ clientId: 'test-client', clientSecret: 'test-secret' });

/** The `sub` of tokens from {@link TestIssuer.token} when none is given. */
export const DEFAULT_SUBJECT = 'test-user';

/** A running test authorization server, from {@link startTestIssuer}. */
export interface TestIssuer {
  /** The issuer identifier and base URL, `http://127.0.0.1:<port>`: configure the API under test with it. */
  readonly issuer: string;
  /** The JWKS URL (`<issuer>/jwks`), for verifiers configured with a `jwksUri` instead of discovery. */
  readonly jwksUri: string;
  /** The authorization server's token endpoint (`<issuer>/token`). */
  readonly tokenEndpoint: string;
  /** The ids of the declared resources, in order. */
  readonly resources: readonly string[];
  /** The default client's credentials; `undefined` when `clients` were given. */
  readonly client: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /**
   * Mints a valid RFC 9068 access token (`typ: at+jwt`; `iss sub aud exp iat jti client_id scope`), signed with a
   * key published in the issuer's JWKS.
   * @example
   * ```ts
   * const token = await issuer.token({ resource: 'https://orders.example.com', scopes: ['orders:read'] });
   * ```
   */
  token(options: TestTokenOptions): Promise<string>;
  /**
   * Signs from now on with new keys (the test issuer's and the authorization server's). The old public keys stay in
   * the JWKS for one access-token lifetime, so tokens already out keep verifying.
   */
  rotateKeys(): Promise<void>;
  /** Stops the server (and drops open connections). Call it in `afterAll`. */
  close(): Promise<void>;
}

/**
 * Starts an in-process authorization server on an ephemeral loopback port, for integration tests: real keys, real
 * JWKS, real RFC 8414 metadata and RFC 9068 tokens, so the API under test verifies them exactly as it will verify
 * production tokens once pointed at `issuer.issuer`.
 *
 * It is `@audguard/authorization-server` (its `/token`, `/authorize`, metadata and keys) behind a thin front that
 * also publishes the test issuer's own signing key in the JWKS: `token()` and the forgeries sign with that key, so
 * they can set any subject, lifetime or claim without going through a grant.
 *
 * @example
 * ```ts
 * const issuer = await startTestIssuer({ resources: ['https://orders.example.com', 'https://invoices.example.com'] });
 * const app = createApp({ issuer: issuer.issuer, audience: 'https://orders.example.com' });
 * const token = await issuer.token({ resource: 'https://orders.example.com', scopes: ['orders:read'] });
 * // ... afterAll(() => issuer.close());
 * ```
 */
export async function startTestIssuer(options: TestIssuerOptions): Promise<TestIssuer> {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', "pass { resources: ['https://api.example.com', ...] }");
  }
  const typo = unknownOption(options, ISSUER_OPTIONS, 'options');
  if (typo !== undefined) throw new ConfigurationError('options', typo.replace('options: ', ''));
  const { resources: resourceList, clients, ...serverOptions } = options;
  const resources = checkResources(resourceList);
  const now = serverOptions.now ?? Date.now;
  const accessTokenLifetime = serverOptions.accessTokenLifetime ?? DEFAULTS.accessTokenLifetime;
  const signingAlgorithm = serverOptions.signingAlgorithm ?? DEFAULTS.signingAlgorithm;
  // The test issuer's own keys, beside the authorization server's: token() and the forgeries sign with them.
  const keys = await KeyRing.create(signingAlgorithm, accessTokenLifetime, now);

  let as: AuthorizationServer | undefined;
  const front = await serveOnLoopback(() => (request) => route(as, keys, request));
  const issuer = front.url;
  const client = clients === undefined ? DEFAULT_CLIENT : undefined;
  try {
    as = await createAuthorizationServer({
      ...serverOptions,
      issuer,
      resources: [...resources.values()].map(toResourceConfig),
      clients: clients ?? [defaultClient(resources)],
    });
  } catch (error) {
    await front.close();
    throw error;
  }
  const authorizationServer = as;

  // The attacker's key for forgeUnknownKey: generated now, in the background, so a forgery does not wait for it.
  const foreignKey: Promise<SigningKey> = generateSigningKey(signingAlgorithm);
  foreignKey.catch(() => {});
  const internals: IssuerInternals = {
    issuer,
    resources: new Map([...resources].map(([id, resource]) => [id, resource.scopes])),
    accessTokenLifetime,
    defaultSubject: DEFAULT_SUBJECT,
    defaultClientId: client?.clientId ?? clients?.[0]?.clientId ?? DEFAULT_CLIENT.clientId,
    now,
    currentKey: () => keys.current,
    foreignKey: () => foreignKey,
    claims: (request, overrides) => accessTokenClaims(internals, request, overrides),
    mint: (request, overrides) => signAccessToken(internals, request, overrides),
  };

  let closed: Promise<void> | undefined;
  const testIssuer: TestIssuer = {
    issuer,
    jwksUri: `${issuer}/jwks`,
    tokenEndpoint: `${issuer}/token`,
    resources: Object.freeze([...resources.keys()]),
    client,
    token: async (tokenOptions) => {
      checkTokenOptions(tokenOptions, 'token()');
      return internals.mint(mintRequest(internals, tokenOptions));
    },
    rotateKeys: async () => {
      await Promise.all([keys.rotate(), authorizationServer.rotateKeys()]);
    },
    close: () => {
      closed ??= front.close();
      return closed;
    },
  };
  register(testIssuer, internals);
  return Object.freeze(testIssuer);
}

/**
 * Options of {@link TestIssuerOptions} that the authorization server does not have: none today. Typed as a complete
 * record, so an option added to the kit alone fails to compile here until listed.
 */
const OWN_OPTIONS: Record<Exclude<keyof TestIssuerOptions, keyof AuthorizationServerConfig>, true> = {};

/** The option names of {@link startTestIssuer}: the authorization server's, less `issuer`, and the kit's own. */
const ISSUER_OPTIONS = [
  ...CONFIG_OPTION_NAMES.filter((name) => name !== 'issuer'),
  ...Object.keys(OWN_OPTIONS),
];

interface CheckedResource {
  readonly config: TestResource;
  /** `undefined`: no scopes declared, any may be minted. */
  readonly scopes: ReadonlySet<string> | undefined;
}

function checkResources(list: unknown): Map<string, CheckedResource> {
  if (!Array.isArray(list) || list.length === 0) {
    throw new ConfigurationError(
      'resources',
      "list the APIs to mint tokens for, e.g. ['https://orders.example.com', 'https://invoices.example.com']",
    );
  }
  const resources = new Map<string, CheckedResource>();
  list.forEach((entry: unknown, i) => {
    const config = (typeof entry === 'string' ? { id: entry } : entry) as TestResource;
    if (typeof config !== 'object' || config === null || typeof config.id !== 'string') {
      throw new ConfigurationError(`resources[${i}]`, 'give a resource id string or { id, scopes? }');
    }
    // Duplicates and malformed ids are left to the authorization server, which names the field.
    const scopes =
      config.scopes === undefined || config.scopes.length === 0 ? undefined : new Set(config.scopes);
    resources.set(config.id, { config, scopes });
  });
  return resources;
}

/**
 * The authorization server needs at least one scope per resource; a resource declared without scopes offers a
 * single scope named like the resource itself, so `/token` can still target it.
 */
function toResourceConfig({ config, scopes }: CheckedResource): ResourceConfig {
  return { ...config, scopes: scopes === undefined ? [config.id] : [...scopes] };
}

function defaultClient(resources: Map<string, CheckedResource>): ClientConfig {
  const scopes = new Set([...resources.values()].flatMap((resource) => toResourceConfig(resource).scopes));
  return { ...DEFAULT_CLIENT, grantTypes: ['client_credentials'], scopes: [...scopes] };
}

/** The front: the merged JWKS at `/jwks`, everything else straight to the authorization server. */
async function route(
  as: AuthorizationServer | undefined,
  keys: KeyRing,
  request: Request,
): Promise<Response> {
  if (as === undefined) return new Response(null, { status: 503, headers: { 'Retry-After': '1' } });
  const response = await as.fetch(request);
  if (new URL(request.url).pathname !== '/jwks' || request.method !== 'GET' || response.status !== 200) {
    return response;
  }
  const served = (await response.json()) as { keys: unknown[] };
  return new Response(JSON.stringify({ keys: [...served.keys, ...keys.jwks().keys] }), {
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' },
  });
}
