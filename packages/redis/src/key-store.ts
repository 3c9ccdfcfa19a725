import { randomUUID } from 'node:crypto';
import type { KeyStore, StoredSigningKey } from '@audguard/authorization-server';
import { RedisConnection, type RedisConnectionOptions, script, stringReply } from './connection.js';
import { checkEncryptionKey, KeyEncryption } from './key-encryption.js';
import { checkPrefix } from './prefix.js';

/** Options of {@link createRedisKeyStore}. */
export interface RedisKeyStoreOptions extends RedisConnectionOptions {
  /**
   * The key that encrypts the private signing keys at rest (AES-256-GCM): exactly 32 random bytes, the same on every
   * instance, kept out of Redis (an environment variable, a secret manager). Required; anything but 32 bytes is
   * refused. Changing it makes the stored keys unreadable: the server then refuses to start.
   */
  encryptionKey: Uint8Array;
  /**
   * Put before every key. Default is `'audguard:'`: the keys live under `audguard:{signing-keys}:list` and
   * `audguard:{signing-keys}:version`.
   */
  prefix?: string;
}

/** The authorization server's {@link KeyStore} on Redis, and how to let it go. */
export interface RedisKeyStore extends KeyStore {
  /** Closes the connection when this key store opened it (`url`); a client you passed stays open. */
  close(): Promise<void>;
}

// The list and its version are touched together by every script: one hash tag puts them in one cluster slot.
// The version is a random token, never a counter, so a flushed and rebuilt list cannot repeat a version a reader
// has cached.
const LOAD = script(`local v = redis.call('GET', KEYS[1]) or ''
if v == ARGV[1] then return {v} end
local entries = redis.call('LRANGE', KEYS[2], 0, -1)
table.insert(entries, 1, v)
return entries`);

// Compare-and-append: only when the newest entry is still the one the caller saw.
const ADD = script(`local last = redis.call('LINDEX', KEYS[2], -1)
local current = last and cjson.decode(last).kid or ''
if current ~= ARGV[1] then return 0 end
redis.call('RPUSH', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], ARGV[3])
return 1`);

const REMOVE = script(`local removed = 0
local drop = {}
for i = 2, #ARGV do drop[ARGV[i]] = true end
for _, entry in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do
  if drop[cjson.decode(entry).kid] then removed = removed + redis.call('LREM', KEYS[2], 1, entry) end
end
if removed > 0 then redis.call('SET', KEYS[1], ARGV[1]) end
return removed`);

/** One list entry, as JSON: the key's metadata in clear, its private JWK sealed. */
interface Entry {
  v: 1;
  kid: string;
  alg: StoredSigningKey['alg'];
  createdAt: number;
  /** Which encryption key sealed it (a non-secret hash prefix). */
  ek: string;
  /** The private JWK, AES-256-GCM sealed. */
  key: string;
}

const associatedData = (entry: Pick<Entry, 'kid' | 'alg' | 'createdAt'>) =>
  `audguard signing key v1\0${entry.kid}\0${entry.alg}\0${entry.createdAt}`;

/**
 * A {@link KeyStore} on Redis: every authorization-server instance sharing it signs with the same current key and
 * publishes the same JWKS, a restart keeps the keys, and `rotateKeys()` on one instance is seen by the next request
 * to any other. Private keys are encrypted with `encryptionKey` (AES-256-GCM) before they reach Redis; Redis never
 * holds one in clear.
 *
 * How instances learn of a rotation: the server reads the key store before every token it signs and every JWKS it
 * serves. That read is one script that answers the list only when its version changed (else the version alone, a
 * few bytes), and a list already seen is not decrypted again — cheap enough for every request, and it leaves no
 * window in which one instance signs with a key another does not publish yet (a time-based cache would).
 *
 * Layout (one hash tag, so a cluster keeps both keys in one slot): `<prefix>{signing-keys}:list`, the entries
 * oldest first, each JSON with `kid`, `alg`, `createdAt` in clear and the sealed private JWK;
 * `<prefix>{signing-keys}:version`, a random token replaced by every change. Neither expires.
 * @example
 * ```ts
 * const keyStore = createRedisKeyStore({
 *   url: process.env.REDIS_URL,
 *   encryptionKey: Buffer.from(process.env.AUDGUARD_KEY_ENCRYPTION_KEY, 'base64'),
 * });
 * ```
 */
export function createRedisKeyStore(options: RedisKeyStoreOptions): RedisKeyStore {
  const what = 'createRedisKeyStore';
  const encryption = new KeyEncryption(checkEncryptionKey(options?.encryptionKey, what));
  const prefix = checkPrefix(options?.prefix, 'audguard:', what);
  const redis = new RedisConnection(options, what);
  const keys = [`${prefix}{signing-keys}:version`, `${prefix}{signing-keys}:list`];
  let version = '';
  let loaded: readonly StoredSigningKey[] = Object.freeze([]);
  let opened = new Map<string, StoredSigningKey>();

  const open = (raw: string): StoredSigningKey => {
    const known = opened.get(raw);
    if (known !== undefined) return known;
    let entry: Entry;
    try {
      entry = JSON.parse(raw) as Entry;
    } catch {
      throw new Error(`${what}: ${keys[1]} holds an entry that is not JSON`);
    }
    if (entry.ek !== encryption.id) {
      throw new Error(
        `${what}: the signing key ${entry.kid} was encrypted with another encryptionKey (id ${entry.ek}; this one is ${encryption.id}). Every instance needs the same encryptionKey.`,
      );
    }
    let jwk: string;
    try {
      jwk = encryption.open(entry.key, associatedData(entry));
    } catch {
      throw new Error(`${what}: the signing key ${entry.kid} does not decrypt: it was altered, or moved`);
    }
    return { kid: entry.kid, alg: entry.alg, createdAt: entry.createdAt, privateJwk: JSON.parse(jwk) };
  };

  return {
    async load() {
      const sent = { version, loaded };
      const reply = (await redis.eval(LOAD, keys, [sent.version])) as unknown[];
      const [current = '', ...entries] = reply.map((item) => stringReply(item) ?? '');
      if (current === sent.version) return sent.loaded;
      const next = new Map(entries.map((raw) => [raw, open(raw)]));
      const keySet = Object.freeze([...next.values()]);
      // Cache it unless a concurrent load already moved the cache on (its answer may be the later one).
      if (version === sent.version) {
        version = current;
        opened = next;
        loaded = keySet;
      }
      return keySet;
    },
    async add(key, expectedCurrent) {
      const sealed = encryption.seal(JSON.stringify(key.privateJwk), associatedData(key));
      const entry: Entry = {
        v: 1,
        kid: key.kid,
        alg: key.alg,
        createdAt: key.createdAt,
        ek: encryption.id,
        key: sealed,
      };
      const reply = await redis.eval(ADD, keys, [expectedCurrent ?? '', JSON.stringify(entry), randomUUID()]);
      return Number(reply) === 1;
    },
    async remove(kids) {
      if (kids.length === 0) return;
      await redis.eval(REMOVE, keys, [randomUUID(), ...kids]);
    },
    close: () => redis.close(),
  };
}
