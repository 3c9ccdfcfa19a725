import { Buffer } from 'node:buffer';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { unknownOption } from '@audguard/core/protocol';

/** A password hashed with scrypt, with the parameters to hash a candidate the same way. @internal */
export interface PasswordHash {
  /** log2 of scrypt's cost N. */
  readonly ln: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** Options of {@link hashPassword}. */
export interface HashPasswordOptions {
  /**
   * log2 of scrypt's CPU and memory cost N, from 1 to 18 (memory is 128 · 2^cost · 8 bytes: 16 MiB at 14). Default
   * is 14, Node's own default (tens of milliseconds); OWASP suggests 17 for passwords that guard real accounts.
   */
  cost?: number;
}

const DEFAULT_COST = 14;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
/** The most memory one hash may need: refuses hashes that would let a configuration exhaust the process. */
const MAX_MEMORY = 256 * 1024 * 1024;
const phc = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/;

function derive(password: string, params: Omit<PasswordHash, 'hash'>, length: number): Promise<Buffer> {
  const N = 2 ** params.ln;
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      params.salt,
      length,
      { N, r: params.r, p: params.p, maxmem: 2 * 128 * N * params.r * params.p },
      (error, key) => (error === null ? resolve(key) : reject(error)),
    );
  });
}

const unpadded = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * Hashes a password with scrypt (node:crypto) for {@link UserConfig.passwordHash}, so a configuration need not hold
 * the password itself. The result is a PHC string: `$scrypt$ln=<cost>,r=8,p=1$<salt>$<hash>`, salt (16 bytes) and
 * hash (32 bytes) in unpadded standard base64. Each call draws a new salt.
 * @example
 * ```ts
 * const passwordHash = await hashPassword('correct horse battery staple'); // '$scrypt$ln=14,r=8,p=1$…$…'
 * ```
 */
export async function hashPassword(password: string, options: HashPasswordOptions = {}): Promise<string> {
  if (typeof password !== 'string' || password === '')
    throw new TypeError('hashPassword: give a non-empty string');
  const typo = unknownOption(options ?? {}, ['cost'], 'hashPassword()');
  if (typo !== undefined) throw new TypeError(typo);
  const ln = options.cost ?? DEFAULT_COST;
  if (!Number.isInteger(ln) || ln < 1 || 128 * 2 ** ln * BLOCK_SIZE > MAX_MEMORY) {
    throw new TypeError('hashPassword: cost is a whole number from 1 to 18 (log2 of scrypt N)');
  }
  const params = { ln, r: BLOCK_SIZE, p: PARALLELISM, salt: randomBytes(16) };
  const hash = await derive(password, params, 32);
  return `$scrypt$ln=${ln},r=${BLOCK_SIZE},p=${PARALLELISM}$${unpadded(params.salt)}$${unpadded(hash)}`;
}

/**
 * Reads a PHC scrypt string (as {@link hashPassword} writes), or returns a string saying what is wrong with it. The
 * parameters are bounded: at most 256 MiB of memory, p at most 16.
 */
export function parsePasswordHash(value: string): PasswordHash | string {
  const match = phc.exec(value);
  if (match === null)
    return 'give a PHC scrypt string, $scrypt$ln=<cost>,r=<r>,p=<p>$<salt>$<hash> (see hashPassword)';
  const [ln, r, p] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (ln < 1 || r < 1 || p < 1 || p > 16 || 128 * 2 ** ln * r * p > MAX_MEMORY) {
    return 'the scrypt parameters are out of range (ln ≥ 1, r ≥ 1, 1 ≤ p ≤ 16, at most 256 MiB)';
  }
  const salt = Buffer.from(match[4] ?? '', 'base64');
  const hash = Buffer.from(match[5] ?? '', 'base64');
  if (salt.length < 8 || hash.length < 16)
    return 'the salt must be at least 8 bytes and the hash at least 16';
  return { ln, r, p, salt, hash };
}

/** Hashes a configured password at configuration time, with the default parameters and a fresh salt. @internal */
export async function hashForConfig(password: string): Promise<PasswordHash> {
  const parsed = parsePasswordHash(await hashPassword(password));
  if (typeof parsed === 'string') throw new Error(parsed);
  return parsed;
}

// Checked against when the username is unknown, so the answer takes as long as for a known user.
let decoy: Promise<PasswordHash> | undefined;

/**
 * Whether `password` matches `stored`, compared in constant time. With no `stored` hash (an unknown username) it
 * still hashes, against a decoy with the default parameters, and answers `false`.
 */
export async function verifyPassword(password: string, stored: PasswordHash | undefined): Promise<boolean> {
  decoy ??= hashForConfig(randomBytes(16).toString('base64url'));
  const against = stored ?? (await decoy);
  const candidate = await derive(password, against, against.hash.length);
  return timingSafeEqual(candidate, against.hash) && stored !== undefined;
}
