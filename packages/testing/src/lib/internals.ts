import type { SigningKey } from '@audguard/authorization-server';

/** Base options every token the test issuer mints starts from. @internal */
export interface MintRequest {
  audience: readonly string[];
  scopes: readonly string[];
  subject: string;
  clientId: string;
  expiresIn: number;
  /** Extra claims, merged after the defaults. */
  claims?: Record<string, unknown>;
}

/** What forgeries may change on top of a {@link MintRequest}. @internal */
export interface MintOverrides {
  /** Merged into the protected header; `alg` and `kid` cannot be set here (they follow the key). */
  header?: Record<string, unknown>;
  /** Merged into the claims last; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead of the issuer's current one. */
  key?: SigningKey;
}

/** What the forgeries and the suite need from a test issuer, kept off its public type. @internal */
export interface IssuerInternals {
  readonly issuer: string;
  /** Declared resources: their scopes, or `undefined` when any scope may be minted for them. */
  readonly resources: ReadonlyMap<string, ReadonlySet<string> | undefined>;
  readonly accessTokenLifetime: number;
  readonly defaultSubject: string;
  readonly defaultClientId: string;
  /** The clock, in milliseconds. */
  now(): number;
  /** The key that signs now (its public part is in the JWKS). */
  currentKey(): SigningKey;
  /** A key of the same algorithm that the issuer never published (the same one every time). */
  foreignKey(): Promise<SigningKey>;
  /** The RFC 9068 claims for `request`, with `overrides.claims` merged in. */
  claims(request: MintRequest, overrides?: Record<string, unknown>): Record<string, unknown>;
  /** Signs an access token (`typ: at+jwt`) for `request`, with the overrides applied. */
  mint(request: MintRequest, overrides?: MintOverrides): Promise<string>;
}

const registry = new WeakMap<object, IssuerInternals>();

/** @internal */
export function register(issuer: object, internals: IssuerInternals): void {
  registry.set(issuer, internals);
}

/** @internal The internals of a test issuer; a `TypeError` for anything else. */
export function internalsOf(issuer: unknown): IssuerInternals {
  const internals = typeof issuer === 'object' && issuer !== null ? registry.get(issuer) : undefined;
  if (internals === undefined) {
    throw new TypeError(
      'audguard/testing: pass the object returned by `await startTestIssuer(...)` as `issuer`.',
    );
  }
  return internals;
}
