import { constantTimeEqual, hmacSha256 } from '../lib/digest.js';
import { andThen, type Maybe } from '../lib/maybe.js';

/**
 * Stateless server nonces (RFC 9449 §9): the nonce of a time step is an HMAC of the step and this API's origin under
 * a configured secret, so every instance sharing the secret issues and accepts the same nonces without shared
 * state, and a nonce from another API (another origin) is never accepted. The current and the previous step's
 * nonces are accepted: a nonce lives between one and two steps. Unpredictable without the secret (§8).
 */
export class DpopNonces {
  readonly #mac: (text: string) => Maybe<string>;
  /** The last steps computed, newest first (three at most: the current, the previous, one more). */
  #recent: { step: number; nonce: Maybe<string> }[] = [];

  constructor(
    secret: Uint8Array,
    private readonly origin: string,
    private readonly stepSeconds: number,
    private readonly now: () => number,
  ) {
    this.#mac = hmacSha256(secret);
  }

  /** The nonce clients should use now. */
  current(): Maybe<string> {
    return this.of(this.step());
  }

  /** Whether `nonce` is the current step's or the previous one's. */
  accepts(nonce: string): Maybe<boolean> {
    const step = this.step();
    return andThen(this.of(step), (current) =>
      constantTimeEqual(nonce, current)
        ? true
        : andThen(this.of(step - 1), (previous) => constantTimeEqual(nonce, previous)),
    );
  }

  private step(): number {
    return Math.floor(this.now() / 1000 / this.stepSeconds);
  }

  private of(step: number): Maybe<string> {
    const known = this.#recent.find((entry) => entry.step === step);
    if (known) return known.nonce;
    // 32 base64url characters (192 bits) of the MAC: NQCHARs only (§8.1).
    const nonce = andThen(this.#mac(`audguard-dpop-nonce ${this.origin} ${step}`), (mac) => mac.slice(0, 32));
    this.#recent = [{ step, nonce }, ...this.#recent].slice(0, 3);
    return nonce;
  }
}
