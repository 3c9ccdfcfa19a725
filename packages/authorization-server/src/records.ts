import type { AccessTokenClaims } from './access-token.js';
import type { StoredClient } from './clients/stored-client.js';
import type { Store } from './store.js';

/** An authorization request the user is asked to consent to on the login and consent page. @internal */
export interface InteractionRecord {
  clientId: string;
  redirectUri: string;
  /** Whether the request named `redirect_uri` (then redemption must repeat it). */
  redirectUriSent: boolean;
  state: string | undefined;
  scopes: string[];
  offline: boolean;
  resources: string[];
  codeChallenge: string;
  /** The `dpop_jkt` of the request (RFC 9449 §10), with DPoP on: the code will be bound to that key. */
  dpopJkt?: string | undefined;
}

/** An issued, unredeemed authorization code. @internal */
export interface CodeRecord {
  grantId: string;
  clientId: string;
  redirectUri: string;
  redirectUriSent: boolean;
  codeChallenge: string | undefined;
  /** The DPoP key the code is bound to (`dpop_jkt`, RFC 9449 §10): redemption needs a proof from it. */
  dpopJkt?: string | undefined;
}

/** What a user consented to, and what was issued from it (the token family). @internal */
export interface GrantRecord {
  clientId: string;
  subject: string;
  /** Consented resource scopes. */
  scopes: string[];
  /** Consented resources: the only ones redemption and refresh may target. */
  resources: string[];
  offline: boolean;
  /** Hash of the one refresh token currently valid. */
  refreshTokenHash: string | undefined;
  /** Access tokens issued from this grant, so revoking the grant revokes them too. */
  accessTokens: { jti: string; exp: number }[];
}

/** A live refresh token (stored under its hash). @internal */
export interface RefreshTokenRecord {
  grantId: string;
  clientId: string;
  /**
   * The DPoP key (RFC 7638 thumbprint) the token is bound to: set for a public client that got it with a DPoP proof
   * (RFC 9449 §5); every refresh then needs a proof from that key. Never set for a confidential client.
   */
  jkt?: string | undefined;
}

/** A code or refresh token that was used: for which grant, and when the use that won had issued its tokens (ms). */
export interface UsedMark {
  grantId: string;
  usedAt: number;
}

/**
 * Whether a request that finds `mark` replays the code or token. Received before the winner had issued (its
 * `usedAt`), it was concurrent with the winner and lost the race — refused, nothing revoked; received after, it is a
 * replay (or reuse) and revokes the family. Instances sharing a store compare their clocks here: keep them in sync.
 */
export function isReplay(mark: UsedMark, receivedAt: number): boolean {
  return receivedAt >= mark.usedAt;
}

/** Typed access to the {@link Store}, with the key layout in one place. @internal */
export class Records {
  readonly #store: Store;
  readonly #now: () => number;

  constructor(store: Store, now: () => number) {
    this.#store = store;
    this.#now = now;
  }

  async #read<T>(key: string, consume = false): Promise<T | undefined> {
    const raw = consume ? await this.#store.consume(key) : await this.#store.get(key);
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  #write(key: string, value: unknown, ttlSeconds: number): Promise<void> {
    return this.#store.set(key, JSON.stringify(value), Math.max(1, Math.ceil(ttlSeconds)));
  }

  /**
   * Counts a post of a login form of pending request `id` and returns how many there have been, atomically (of
   * concurrent posts exactly one sees each number). The form numbered `n` is accepted only when this returns `n`,
   * so each form is accepted once, across every instance sharing the store. The counter lives as long as the
   * pending request (`ttl`, its remaining life in seconds).
   */
  countFormPost(id: string, ttl: number): Promise<number> {
    return this.#store.increment(`interaction:${id}`, Math.max(1, Math.ceil(ttl)));
  }

  /** Counts an attempt under throttle key `key` (see throttle.ts) and returns the count; it lives `ttl` seconds. */
  countAttempt(key: string, ttl: number): Promise<number> {
    return this.#store.increment(`attempts:${key}`, Math.max(1, Math.ceil(ttl)));
  }

  /** Counts a successful attempt under throttle key `key`, giving its attempt back. */
  async countSuccess(key: string, ttl: number): Promise<void> {
    await this.#store.increment(`successes:${key}`, Math.max(1, Math.ceil(ttl)));
  }

  /** The successful attempts counted under throttle key `key`. */
  successes(key: string): Promise<number> {
    return this.#counter(`successes:${key}`);
  }

  /** Counts a failure under throttle key `key` and returns the count; it lives `ttl` seconds. */
  countFailure(key: string, ttl: number): Promise<number> {
    return this.#store.increment(`failures:${key}`, Math.max(1, Math.ceil(ttl)));
  }

  /** The failures counted under throttle key `key`. */
  failures(key: string): Promise<number> {
    return this.#counter(`failures:${key}`);
  }

  /** A counter written by `increment`, read with `get` (its decimal count; see `Store.increment`), 0 when absent. */
  async #counter(key: string): Promise<number> {
    return Number((await this.#store.get(key)) ?? 0) || 0;
  }

  /** Saves a dynamically registered client for its lifetime. */
  saveRegisteredClient(clientId: string, client: StoredClient, ttl: number): Promise<void> {
    return this.#write(`client:${clientId}`, client, ttl);
  }

  /** A dynamically registered client, until its registration expires. */
  getRegisteredClient(clientId: string): Promise<StoredClient | undefined> {
    return this.#read(`client:${clientId}`);
  }

  /** Caches a checked client metadata document (keyed by the hash of its URL) for `ttl` seconds. */
  cacheMetadataDocument(urlHash: string, client: StoredClient, ttl: number): Promise<void> {
    return this.#write(`client-metadata:${urlHash}`, client, ttl);
  }

  /** A cached client metadata document, while its cache lifetime lasts. */
  cachedMetadataDocument(urlHash: string): Promise<StoredClient | undefined> {
    return this.#read(`client-metadata:${urlHash}`);
  }

  /** Caches a client's key set fetched from its `jwks_uri` (keyed by the hash of the URL). */
  cacheClientKeys(urlHash: string, jwks: { keys: object[] }, ttl: number): Promise<void> {
    return this.#write(`client-jwks:${urlHash}`, jwks, ttl);
  }

  /** A cached client key set. */
  cachedClientKeys(urlHash: string): Promise<{ keys: object[] } | undefined> {
    return this.#read(`client-jwks:${urlHash}`);
  }

  /**
   * Marks a client assertion (RFC 7523) used, keyed by the hash of its client and `jti`, until it expires; `true`
   * only for the first use — of concurrent uses exactly one (`increment` is atomic).
   */
  async useAssertion(hash: string, ttl: number): Promise<boolean> {
    return (await this.#store.increment(`assertion:${hash}`, Math.max(1, Math.ceil(ttl)))) === 1;
  }

  /** Counts a registration under `key` (per address or in all, with its window) and returns the count. */
  countRegistration(key: string, ttl: number): Promise<number> {
    return this.#store.increment(`registrations:${key}`, Math.max(1, Math.ceil(ttl)));
  }

  saveCode(codeHash: string, record: CodeRecord, ttl: number): Promise<void> {
    return this.#write(`code:${codeHash}`, record, ttl);
  }

  getCode(codeHash: string): Promise<CodeRecord | undefined> {
    return this.#read(`code:${codeHash}`);
  }

  /** Takes an authorization code, atomically: of concurrent calls exactly one gets `true`. */
  async takeCode(codeHash: string): Promise<boolean> {
    return (await this.#store.consume(`code:${codeHash}`)) !== undefined;
  }

  /**
   * Remembers a redeemed code once the redemption has issued its tokens, with when (`usedAt`), so a later
   * redemption is recognised as a replay and revokes them. Not before, and not for a request received before that
   * instant: such a request ran while the winner was still issuing — it lost a race, and losing a race is not a
   * replay (see {@link isReplay}).
   */
  markCodeUsed(codeHash: string, grantId: string, ttl: number): Promise<void> {
    return this.#write(`code-used:${codeHash}`, { grantId, usedAt: this.#now() } satisfies UsedMark, ttl);
  }

  /** The grant of a code already taken and when, so a replay can revoke what it issued. */
  usedCode(codeHash: string): Promise<UsedMark | undefined> {
    return this.#read(`code-used:${codeHash}`);
  }

  /** Whether {@link revokeGrant} ran for this grant (the tombstone outlives the grant's tokens). */
  async isGrantRevoked(id: string): Promise<boolean> {
    return (await this.#read(`grant-revoked:${id}`)) !== undefined;
  }

  saveGrant(id: string, record: GrantRecord, ttl: number): Promise<void> {
    const now = this.#now() / 1000;
    record.accessTokens = record.accessTokens.filter((token) => token.exp > now);
    return this.#write(`grant:${id}`, record, ttl);
  }

  getGrant(id: string): Promise<GrantRecord | undefined> {
    return this.#read(`grant:${id}`);
  }

  saveRefreshToken(tokenHash: string, record: RefreshTokenRecord, ttl: number): Promise<void> {
    return this.#write(`rt:${tokenHash}`, record, ttl);
  }

  getRefreshToken(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    return this.#read(`rt:${tokenHash}`);
  }

  /** Takes a refresh token to rotate it, atomically: of concurrent calls exactly one gets `true`. */
  async takeRefreshToken(tokenHash: string): Promise<boolean> {
    return (await this.#store.consume(`rt:${tokenHash}`)) !== undefined;
  }

  /**
   * Remembers a rotated refresh token once the rotation has issued its tokens, so a later use is recognised as reuse
   * and revokes the family. Not before, for the reason given at {@link markCodeUsed}.
   */
  markRefreshTokenUsed(tokenHash: string, record: RefreshTokenRecord, ttl: number): Promise<void> {
    return this.#write(`rt-used:${tokenHash}`, { ...record, usedAt: this.#now() } satisfies UsedMark, ttl);
  }

  /** The record of a rotated refresh token and when it was rotated, so its reuse can revoke the family. */
  usedRefreshToken(tokenHash: string): Promise<(RefreshTokenRecord & UsedMark) | undefined> {
    return this.#read(`rt-used:${tokenHash}`);
  }

  /** Records an access token as revoked until it expires (`exp`, seconds). */
  async revokeAccessToken(jti: string, exp: number): Promise<void> {
    const remaining = exp - this.#now() / 1000;
    if (remaining > 0) await this.#write(`revoked:${jti}`, { exp }, remaining);
  }

  /** Keeps a reference token's claims under its hash for its lifetime (`ttl`, seconds), and not a second longer. */
  saveReferenceToken(tokenHash: string, claims: AccessTokenClaims, ttl: number): Promise<void> {
    return this.#write(`reference:${tokenHash}`, claims, ttl);
  }

  /** A reference token's claims, until it expires or is revoked. */
  getReferenceToken(tokenHash: string): Promise<AccessTokenClaims | undefined> {
    return this.#read(`reference:${tokenHash}`);
  }

  /** Forgets a reference token (revocation): introspection answers `active: false` for it from now on. */
  deleteReferenceToken(tokenHash: string): Promise<void> {
    return this.#store.delete(`reference:${tokenHash}`);
  }

  /** Whether an access token was revoked. */
  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    return (await this.#store.get(`revoked:${jti}`)) !== undefined;
  }

  /**
   * Revokes a grant and its whole token family: the grant, its current refresh token, and every unexpired access
   * token issued from it. A tombstone is written first, so a request that is issuing from the grant at this very
   * moment notices after it saves (see {@link isGrantRevoked}) instead of bringing it back.
   */
  async revokeGrant(id: string, ttlSeconds: number): Promise<void> {
    await this.#write(`grant-revoked:${id}`, true, ttlSeconds);
    const grant = await this.#read<GrantRecord>(`grant:${id}`, true);
    if (grant === undefined) return;
    if (grant.refreshTokenHash !== undefined) await this.#store.delete(`rt:${grant.refreshTokenHash}`);
    await Promise.all(grant.accessTokens.map((token) => this.revokeAccessToken(token.jti, token.exp)));
  }
}
