import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Private keys at rest: AES-256-GCM with a 96-bit random IV per encryption and a 128-bit tag, under a 32-byte key
 * the operator provides. The associated data binds each ciphertext to its entry (kid, alg, createdAt), so moving a
 * ciphertext to another entry fails to decrypt.
 * @internal
 */
export class KeyEncryption {
  readonly #key: Buffer;
  /** A short, non-secret name of the key (a hash prefix), stored beside each ciphertext to tell a wrong key. */
  readonly id: string;

  constructor(key: Buffer) {
    this.#key = key;
    this.id = createHash('sha256')
      .update('audguard key-encryption key id\0')
      .update(key)
      .digest()
      .subarray(0, 8)
      .toString('base64url');
  }

  /** `iv.ciphertext.tag`, each base64url. */
  seal(plaintext: string, associatedData: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString('base64url')).join('.');
  }

  /** The plaintext of {@link seal}'s output; throws when the key, the data or the ciphertext is not the one sealed. */
  open(sealed: string, associatedData: string): string {
    const [iv, ciphertext, tag, extra] = sealed.split('.').map((part) => Buffer.from(part, 'base64url'));
    if (iv?.length !== 12 || ciphertext === undefined || tag?.length !== 16 || extra !== undefined) {
      throw new Error('not an AES-256-GCM ciphertext of this package');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv, { authTagLength: 16 });
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}

/** The operator's key: exactly 32 bytes, copied (so a later change to the caller's buffer changes nothing). */
export function checkEncryptionKey(key: unknown, what: string): Buffer {
  const fix =
    "give 32 random bytes, e.g. Buffer.from(process.env.AUDGUARD_KEY_ENCRYPTION_KEY, 'base64') for a value made by `openssl rand -base64 32`";
  if (!(key instanceof Uint8Array))
    throw new TypeError(`${what}: encryptionKey must be a Uint8Array; ${fix}`);
  if (key.byteLength !== 32) {
    throw new TypeError(`${what}: encryptionKey must be 32 bytes (AES-256), not ${key.byteLength}; ${fix}`);
  }
  return Buffer.from(key);
}
