/**
 * What clients that were not configured — self-described by a Client ID Metadata Document, or dynamically
 * registered (RFC 7591) — may ask for. Nobody vetted them, so they get the user-facing grants only
 * (`authorization_code`, and `refresh_token` when they declare it), never `client_credentials`.
 */
export interface ClientPolicy {
  /** The resource ids such clients may target. Default: every resource. */
  resources?: readonly string[];
  /**
   * The resource scopes such clients may ask for, each owned by one of `resources`. A client that declares a
   * `scope` is held to it (within these); one that declares none may ask for all of these, so it can step up later.
   * `offline_access` follows the client's `grant_types`. Default: every scope of `resources`.
   */
  scopes?: readonly string[];
}

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document): a client whose `client_id` is an
 * https URL is described by the JSON document at that URL, which the server fetches. Every default is a value of
 * `DEFAULTS.clientIdMetadataDocuments`.
 */
export interface ClientIdMetadataDocumentOptions extends ClientPolicy {
  /**
   * Lets the built-in fetch connect to loopback addresses (127.0.0.0/8, ::1), e.g. a document served by a test on
   * `https://localhost:8443/client.json`. Private, link-local and other special-use addresses stay refused. For
   * tests and local development only: in production it lets anyone make the server call its own host. Default is
   * `false`.
   */
  allowLoopback?: boolean;
  /**
   * Replaces the built-in fetch (for a runtime without `node:https`, or an egress proxy). The server still refuses
   * IP literals of special-use ranges, follows no redirect, reads at most `maxBytes` within `timeoutMs` and accepts
   * only 200 — but it cannot see which address a host name resolves to: the function you give must refuse private
   * and special-use addresses itself. Default: the built-in fetch (`node:https`), which checks every address a
   * host name resolves to before it connects, so a name resolving to 10.x or 127.x is refused without a byte sent.
   */
  fetch?: typeof globalThis.fetch;
  /**
   * PEM certificates the built-in fetch trusts in addition to Node's bundled roots (a private test CA). Default:
   * none.
   */
  ca?: string | readonly string[];
  /** The deadline of one fetch (connection, headers and body), in milliseconds. Default is 5000. */
  timeoutMs?: number;
  /** The largest document read, in bytes; a larger one is refused. Default is 5120 (the draft's 5 KB). */
  maxBytes?: number;
  /**
   * The shortest time a valid document is cached, in seconds, whatever its `Cache-Control` says (`no-store` and
   * `no-cache` included); 0 honours them. Default is 60.
   */
  minCacheSeconds?: number;
  /** The longest time a valid document is cached, in seconds, whatever its `max-age`. Default is 86400 (1 day). */
  maxCacheSeconds?: number;
}

/**
 * Dynamic client registration (RFC 7591) at `<issuer>/register`. Every default is a value of
 * `DEFAULTS.clientRegistration`.
 */
export interface ClientRegistrationOptions extends ClientPolicy {
  /**
   * How long a registration lives, in seconds; its `client_secret_expires_at` says when it ends, and then the
   * client registers again. Default is 2592000 (30 days).
   */
  lifetime?: number;
  /** The most redirect URIs one registration may list. Default is 10. */
  maxRedirectUris?: number;
  /** The largest registration request body, in bytes (413 beyond). Default is 16384. */
  maxBodyBytes?: number;
  /** Registrations allowed per client address per window. Default is 10. */
  perAddress?: number;
  /** Registrations allowed in all, per window, across every instance sharing the store. Default is 1000. */
  total?: number;
  /** The window of `perAddress` and `total`, in seconds. Default is 3600 (1 hour). */
  windowSeconds?: number;
  /**
   * The `application_type` assumed when a registration names none (OpenID Connect Registration §2 says `web`).
   * `web` redirect URIs must be https on a host other than localhost; `native` ones may also be http on a loopback
   * host or a private-use scheme (RFC 8252 §7). MCP clients must send `application_type` (MCP 2026-07-28). Default
   * is `'web'`.
   */
  defaultApplicationType?: 'web' | 'native';
  /**
   * The address a registration is counted under for `perAddress`, e.g. from `X-Forwarded-For` behind your proxy;
   * `undefined` counts it under the total only. Default: the connection's remote address when served by `listen()`,
   * none through `fetch()`.
   */
  clientAddress?: (request: Request) => string | undefined;
}
