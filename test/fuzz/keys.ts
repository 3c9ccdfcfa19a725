/**
 * Key material for the differential fuzz suite, generated once per run (never per case) with `node:crypto`, and a
 * raw signer that signs any bytes with any key: the fuzzer needs to sign headers jose's `SignJWT` would refuse to
 * produce (`crit`, non-string `kid`, duplicate keys, padded segments...).
 */
import {
  constants,
  createHmac,
  generateKeyPairSync,
  type KeyObject,
  type JsonWebKey as NodeJwk,
  randomBytes,
  sign,
} from 'node:crypto';
import {
  ASYMMETRIC_ALGORITHMS,
  type JsonWebKey,
  type JsonWebKeySet,
  type JwsAlgorithm,
} from '@audguard/core';

export const ISSUER = 'https://as.example.com';
/** This API's identifier. */
export const AUDIENCE = 'https://orders.example.com';
/** A second identifier of this API (a verifier configured with an audience array accepts both). */
export const AUDIENCE_ALT = 'https://orders-v2.example.com';
/** A second trusted issuer (verifiers configured with two issuers), with keys of its own under the same kids. */
export const OTHER_ISSUER = 'https://other-as.example.com';
/** Another API of the same authorization server. */
export const OTHER_API = 'https://invoices.example.com';
/** An audience the issuer adds for itself (Auth0's `/userinfo` with `openid`), which `ignoredAudiences` tolerates. */
export const USERINFO = 'https://as.example.com/userinfo';
/** The client honest tokens are issued to (`clientId: [CLIENT]` in the configs that list clients). */
export const CLIENT = 'client-1';
/** Another client of the same issuer. */
export const OTHER_CLIENT = 'client-2';

export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const satisfies readonly JwsAlgorithm[];
/** What the verifier allows by default: every supported asymmetric algorithm (includes `Ed25519`). */
export const ASYMMETRIC: readonly JwsAlgorithm[] = ASYMMETRIC_ALGORITHMS;
/** Every algorithm the suite runs a differential property on. */
export const ALL_ALGORITHMS: readonly JwsAlgorithm[] = [...ASYMMETRIC, ...HMAC_ALGORITHMS];

export const isHmac = (alg: string): boolean => alg === 'HS256' || alg === 'HS384' || alg === 'HS512';

/** One key the fuzzer can sign with. `kid` is what an honest token names; `jwk` what the JWKS publishes. */
export interface SigningKey {
  readonly id: string;
  readonly kid: string;
  readonly kind: 'RSA' | 'EC' | 'OKP' | 'secret';
  /** The algorithm this key signs with when the header names one it cannot make. */
  readonly defaultAlg: JwsAlgorithm;
  /** `KeyObject` for asymmetric keys, raw bytes for secrets. */
  readonly material: KeyObject | Uint8Array;
  /** Published JWK (asymmetric keys). */
  readonly jwk?: JsonWebKey;
}

export interface KeyMaterial {
  /** The key an honest issuer signs `alg` tokens with. */
  readonly byAlg: ReadonlyMap<JwsAlgorithm, SigningKey>;
  /** Every signing key by id (including rotation, weak keys and the second secret). */
  readonly byId: ReadonlyMap<string, SigningKey>;
  /** The static key set given to the asymmetric verifiers, with `alg` on every key. */
  readonly jwks: JsonWebKeySet;
  /** The same key set without `alg` members (keys usable with any algorithm of their type). */
  readonly jwksNoAlg: JsonWebKeySet;
  /** The HS* shared secret of the symmetric verifiers. */
  readonly secret: Uint8Array;
  /**
   * For each weak key id, a 2048-bit twin published under the same kid: the oracle re-signs a weak-key token with
   * the twin to ask jose what it would decide if the key were strong enough (finding P2).
   */
  readonly twins: ReadonlyMap<string, SigningKey>;
  /** Public-key bytes an attacker would try as an HMAC secret (algorithm confusion, RFC 8725 §2.1). */
  readonly confusionSecrets: readonly Uint8Array[];
  /**
   * The second issuer's keys: other key material published under the SAME kids as the first issuer's (kids are
   * only unique per issuer), and its own secret. Signing-key ids are prefixed `other:`.
   */
  readonly secondary: {
    readonly byAlg: ReadonlyMap<JwsAlgorithm, SigningKey>;
    readonly jwks: JsonWebKeySet;
    readonly jwksNoAlg: JsonWebKeySet;
    readonly secret: Uint8Array;
  };
}

const RSA_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;

function exportJwk(key: KeyObject): JsonWebKey {
  return key.export({ format: 'jwk' }) as NodeJwk as JsonWebKey;
}

/** An issuer's standard keys: one RSA key under six kids (one per RS/PS algorithm), P-256/384/521, Ed25519. */
function standardKeys(prefix: string, add: (key: SigningKey) => SigningKey) {
  const byAlg = new Map<JwsAlgorithm, SigningKey>();
  // One RSA key pair published under six kids, one per RS/PS algorithm: an issuer may do exactly that, and it
  // lets the fuzzer re-sign an RS256 token as PS256 with "the same key".
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const rsaPublic = exportJwk(rsa.publicKey);
  for (const alg of RSA_ALGS) {
    const kid = `rsa-${alg}`;
    byAlg.set(
      alg,
      add({
        id: prefix + kid,
        kid,
        kind: 'RSA',
        defaultAlg: alg,
        material: rsa.privateKey,
        jwk: { ...rsaPublic, kid, alg, use: 'sig' },
      }),
    );
  }
  const curves = [
    ['ES256', 'prime256v1'],
    ['ES384', 'secp384r1'],
    ['ES512', 'secp521r1'],
  ] as const;
  for (const [alg, namedCurve] of curves) {
    const pair = generateKeyPairSync('ec', { namedCurve });
    const kid = `ec-${alg}`;
    byAlg.set(
      alg,
      add({
        id: prefix + kid,
        kid,
        kind: 'EC',
        defaultAlg: alg,
        material: pair.privateKey,
        jwk: { ...exportJwk(pair.publicKey), kid, alg, use: 'sig' },
      }),
    );
  }
  // Ed25519, published as "EdDSA" (what most issuers publish). Tokens may say "EdDSA" or "Ed25519" (RFC 9864).
  const ed = generateKeyPairSync('ed25519');
  const edKey = add({
    id: `${prefix}okp-EdDSA`,
    kid: 'okp-EdDSA',
    kind: 'OKP',
    defaultAlg: 'EdDSA',
    material: ed.privateKey,
    jwk: { ...exportJwk(ed.publicKey), kid: 'okp-EdDSA', alg: 'EdDSA', use: 'sig' },
  });
  byAlg.set('EdDSA', edKey);
  byAlg.set('Ed25519', edKey);
  return { byAlg, rsa, rsaPublic };
}

const withoutAlg = (set: JsonWebKeySet): JsonWebKeySet => ({
  keys: set.keys.map(({ alg: _alg, ...rest }) => rest as JsonWebKey),
});

/** Generates every key once. ~1 s, mostly the RSA keys. */
export function generateKeyMaterial(): KeyMaterial {
  const byId = new Map<string, SigningKey>();
  const published: JsonWebKey[] = [];
  const add = (key: SigningKey) => {
    byId.set(key.id, key);
    if (key.jwk) published.push(key.jwk);
    return key;
  };
  const { byAlg, rsa, rsaPublic } = standardKeys('', add);

  // A rotated ES256 key, published alongside: tokens without `kid` then have two candidate keys.
  const rotated = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  add({
    id: 'ec-ES256-next',
    kid: 'ec-ES256-next',
    kind: 'EC',
    defaultAlg: 'ES256',
    material: rotated.privateKey,
    jwk: { ...exportJwk(rotated.publicKey), kid: 'ec-ES256-next', alg: 'ES256', use: 'sig' },
  });
  // Keys that must never verify anything: RSA under 2048 bits (RFC 7518 §3.3). The 2047-bit modulus encodes to
  // 256 bytes; the 1024-bit one is published with its modulus left-padded with zero bytes to 256 bytes.
  const weak2047 = generateKeyPairSync('rsa', { modulusLength: 2047 });
  add({
    id: 'weak-2047',
    kid: 'weak-2047',
    kind: 'RSA',
    defaultAlg: 'RS256',
    material: weak2047.privateKey,
    jwk: { ...exportJwk(weak2047.publicKey), kid: 'weak-2047', alg: 'RS256', use: 'sig' },
  });
  const weak1024 = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const w = exportJwk(weak1024.publicKey);
  const paddedN = Buffer.concat([Buffer.alloc(128), Buffer.from(w.n as string, 'base64url')]).toString(
    'base64url',
  );
  add({
    id: 'weak-1024',
    kid: 'weak-1024',
    kind: 'RSA',
    defaultAlg: 'RS256',
    material: weak1024.privateKey,
    jwk: { ...w, n: paddedN, kid: 'weak-1024', alg: 'RS256', use: 'sig' },
  });

  // Decoys: the RSA key again, but for encryption only / for signing only (never for verifying).
  published.push({ ...rsaPublic, kid: 'rsa-enc', alg: 'RS256', use: 'enc' });
  published.push({ ...rsaPublic, kid: 'rsa-signonly', alg: 'RS256', key_ops: ['sign'] });

  const secret = new Uint8Array(randomBytes(48));
  const secretKey: SigningKey = {
    id: 'secret',
    kid: 'hmac-1',
    kind: 'secret',
    defaultAlg: 'HS256',
    material: secret,
  };
  byId.set('secret', secretKey);
  for (const alg of HMAC_ALGORITHMS) byAlg.set(alg, secretKey);
  byId.set('secret-other', {
    id: 'secret-other',
    kid: 'hmac-2',
    kind: 'secret',
    defaultAlg: 'HS256',
    material: new Uint8Array(randomBytes(48)),
  });

  const rsaJwkJson = new TextEncoder().encode(JSON.stringify(rsaPublic));
  const rsaPem = new TextEncoder().encode(rsa.publicKey.export({ format: 'pem', type: 'spki' }) as string);

  // Each twin has key material of its own, so that (like the weak key it stands for) it verifies nothing else.
  const twins = new Map<string, SigningKey>();
  for (const id of ['weak-2047', 'weak-1024']) {
    const twin = generateKeyPairSync('rsa', { modulusLength: 2048 });
    twins.set(id, {
      id,
      kid: id,
      kind: 'RSA',
      defaultAlg: 'RS256',
      material: twin.privateKey,
      jwk: { ...exportJwk(twin.publicKey), kid: id, alg: 'RS256', use: 'sig' },
    });
  }

  const otherPublished: JsonWebKey[] = [];
  const other = standardKeys('other:', (key) => {
    byId.set(key.id, key);
    if (key.jwk) otherPublished.push(key.jwk);
    return key;
  });
  const otherSecretKey = byId.get('secret-other') as SigningKey;
  for (const alg of HMAC_ALGORITHMS) other.byAlg.set(alg, otherSecretKey);
  const otherSecret = otherSecretKey.material as Uint8Array;

  return {
    byAlg,
    twins,
    secondary: {
      byAlg: other.byAlg,
      jwks: { keys: otherPublished },
      jwksNoAlg: withoutAlg({ keys: otherPublished }),
      secret: otherSecret,
    },
    byId,
    jwks: { keys: published },
    jwksNoAlg: withoutAlg({ keys: published }),
    secret,
    confusionSecrets: [rsaJwkJson, rsaPem, secret],
  };
}

const HASH = { '256': 'sha256', '384': 'sha384', '512': 'sha512' } as const;
const hashOf = (alg: string) => HASH[alg.slice(2) as keyof typeof HASH];

/**
 * Signs `input` as `alg` with `key`; `undefined` when the key cannot make such a signature (an EC key asked for
 * RS256, say). Any EC key signs any ES* (the curve then does not match the algorithm: a refusal case).
 */
export function signWith(alg: string, key: SigningKey, input: Uint8Array): Uint8Array | undefined {
  try {
    return signOrUndefined(alg, key, input);
  } catch {
    // E.g. PS512 with a 1024-bit key: the salt and hash do not fit in the modulus.
    return undefined;
  }
}

function signOrUndefined(alg: string, key: SigningKey, input: Uint8Array): Uint8Array | undefined {
  const data = input;
  if (key.kind === 'secret') {
    return isHmac(alg)
      ? createHmac(hashOf(alg), key.material as Uint8Array)
          .update(data)
          .digest()
      : undefined;
  }
  const material = key.material as KeyObject;
  if (alg.startsWith('RS') && key.kind === 'RSA' && hashOf(alg)) return sign(hashOf(alg), data, material);
  if (alg.startsWith('PS') && key.kind === 'RSA' && hashOf(alg)) {
    const hash = hashOf(alg);
    return sign(hash, data, {
      key: material,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: hash === 'sha256' ? 32 : hash === 'sha384' ? 48 : 64,
    });
  }
  if (alg.startsWith('ES') && key.kind === 'EC' && hashOf(alg)) {
    return sign(hashOf(alg), data, { key: material, dsaEncoding: 'ieee-p1363' });
  }
  if ((alg === 'EdDSA' || alg === 'Ed25519') && key.kind === 'OKP') return sign(null, data, material);
  return undefined;
}

/** HMAC with arbitrary bytes as the secret (the algorithm-confusion forgery). */
export function hmacWith(alg: string, secret: Uint8Array, input: Uint8Array): Uint8Array {
  return createHmac(hashOf(isHmac(alg) ? alg : 'HS256'), secret)
    .update(input)
    .digest();
}
