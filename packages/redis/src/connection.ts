import { createHash } from 'node:crypto';
import { createClient } from 'redis';

/** The arguments of `EVAL` and `EVALSHA`. */
interface ScriptArguments {
  keys: string[];
  arguments: string[];
}

/** The node-redis commands this package sends. @internal */
export interface RedisCommands {
  get(key: string): Promise<unknown>;
  set(
    key: string,
    value: string,
    options: { expiration: { type: 'PX'; value: number }; condition?: 'NX' },
  ): Promise<unknown>;
  getDel(key: string): Promise<unknown>;
  del(key: string): Promise<unknown>;
  evalSha(sha1: string, options: ScriptArguments): Promise<unknown>;
  eval(script: string, options: ScriptArguments): Promise<unknown>;
}

/**
 * What this package needs of a node-redis client: a `createClient()` or `createCluster()` result from `redis` 6
 * fits, with the default type mapping (strings in, strings out).
 */
export interface RedisClientLike extends RedisCommands {
  readonly isOpen: boolean;
  readonly isReady: boolean;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
  off(event: 'error', listener: (error: Error) => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
  withCommandOptions(options: { timeout: number }): RedisCommands;
  close(): Promise<void>;
  destroy(): void;
}

/** How every function of this package reaches Redis. */
export interface RedisConnectionOptions {
  /**
   * A Redis URL (`redis://[[user]:password@]host[:port][/db]`, `rediss://` for TLS). The connection is then this
   * package's: it connects at once, never queues a command while disconnected (so an outage fails fast), reconnects
   * by itself with a back-off of at most 1 s, and is closed by `close()`. Give `url` or `client`.
   */
  url?: string;
  /**
   * Your own node-redis client (`createClient()`; a `createCluster()` one fits too), connected or connecting. It
   * stays yours: `close()` does not close it, and its options (offline queue, reconnection) stay as you set them;
   * commands are still bounded by {@link commandTimeout}. Give `url` or `client`.
   */
  client?: RedisClientLike;
  /**
   * The most time one Redis call may take, in milliseconds, waiting for a connection included; then it rejects
   * with a {@link RedisUnavailableError} (which the authorization server answers with 503). A command not yet sent
   * by then is never sent. Default is 1000.
   */
  commandTimeout?: number;
  /**
   * Called with each `error` event of the client (connection refused, reset, ...). Such events are always handled
   * — unhandled, node-redis's `error` event would crash the process. Default logs the first error of each outage
   * with `console.warn` and stays quiet until the connection is ready again.
   */
  onError?: (error: Error) => void;
}

/**
 * A Redis call that failed for want of Redis: not connected, timed out, connection lost, or Redis answering that it
 * cannot serve now (`LOADING`, `BUSY`, `TRYAGAIN`, `CLUSTERDOWN`, `MASTERDOWN`, `READONLY`). It is `temporary`,
 * which the authorization server answers with 503 `temporarily_unavailable` and `Retry-After`. The Redis error
 * is its `cause`.
 */
export class RedisUnavailableError extends Error {
  /** Always `true`: retrying later may succeed (the authorization server's `Store` contract reads it). */
  readonly temporary = true;
  /** Seconds after which a retry makes sense: the longest reconnection back-off. */
  readonly retryAfter = 1;

  /**
   * @param message - what failed, without secrets
   * @param cause - the Redis or socket error
   */
  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    this.name = 'RedisUnavailableError';
  }
}

/** Redis error replies that mean "not now", not "never". */
const TRANSIENT_REPLY = /^(LOADING|BUSY|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY)\b/;

/** A Lua script, sent by its SHA-1 (`EVALSHA`) and by its text when Redis does not know it (`NOSCRIPT`). */
export interface Script {
  readonly source: string;
  readonly sha1: string;
}

/** A {@link Script} from its Lua source. @internal */
export function script(source: string): Script {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/** A reply as a string, or `undefined` for nil. @internal */
export function stringReply(reply: unknown): string | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string') return reply;
  if (reply instanceof Uint8Array) return Buffer.from(reply).toString('utf8');
  throw new TypeError('the Redis client answered a non-string; use a client with the default type mapping');
}

function checkOptions(options: RedisConnectionOptions, what: string): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${what}: pass { url } or { client }`);
  }
  if ((options.url === undefined) === (options.client === undefined)) {
    throw new TypeError(`${what}: give exactly one of url (a redis:// URL) and client (a node-redis client)`);
  }
  if (options.url !== undefined && !/^rediss?:\/\//.test(String(options.url))) {
    throw new TypeError(`${what}: url must be a redis:// or rediss:// URL`);
  }
  const client = options.client;
  if (client !== undefined && (typeof client?.withCommandOptions !== 'function' || !client.isOpen)) {
    throw new TypeError(`${what}: client must be a node-redis client on which connect() was called`);
  }
  const timeout = options.commandTimeout;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new TypeError(`${what}: commandTimeout is in milliseconds and must be > 0`);
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new TypeError(`${what}: onError must be a function`);
  }
}

/**
 * One way to Redis, shared by the store, the key store and the replay cache: every call bounded, every failure
 * a {@link RedisUnavailableError} (or the Redis error reply of a bug), the client's `error` events always handled.
 * @internal
 */
export class RedisConnection {
  readonly #client: RedisClientLike;
  readonly #commands: RedisCommands;
  readonly #owned: boolean;
  readonly #timeout: number;
  readonly #onErrorEvent: (error: Error) => void;
  readonly #onReady: () => void;
  /** Until the first connection is ready or has failed once, calls wait for it (within their deadline). */
  #starting: Promise<void> | undefined;

  constructor(options: RedisConnectionOptions, what: string) {
    checkOptions(options, what);
    this.#timeout = options.commandTimeout ?? 1000;
    this.#owned = options.client === undefined;
    this.#client = options.client ?? ownClient(options.url as string, this.#timeout);
    this.#commands = this.#client.withCommandOptions({ timeout: this.#timeout });

    let quiet = false;
    const onError =
      options.onError ?? ((error: Error) => console.warn(`${what}: Redis error: ${error.message}`));
    let started!: () => void;
    this.#starting = this.#client.isReady ? undefined : new Promise((resolve) => (started = resolve));
    this.#onErrorEvent = (error) => {
      started?.();
      if (options.onError !== undefined) onError(error);
      else if (!quiet) onError(error);
      quiet = true;
    };
    this.#onReady = () => {
      started?.();
      quiet = false;
    };
    this.#client.on('error', this.#onErrorEvent);
    this.#client.on('ready', this.#onReady);
    if (this.#owned) {
      // The connect() promise settles on the first success only; its retries report through 'error'.
      (this.#client as ReturnType<typeof ownClient>).connect().catch(() => {});
    }
  }

  /** Runs one command, bounded by the command timeout. */
  async run<T>(command: (redis: RedisCommands) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.#timeout;
    if (this.#starting !== undefined) {
      await within(this.#starting, this.#timeout, 'connecting');
      this.#starting = undefined;
    }
    try {
      return await within(command(this.#commands), deadline - Date.now(), 'answering');
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Runs a Lua script by SHA-1, sending its source instead when Redis does not have it cached. */
  eval(lua: Script, keys: string[], args: string[]): Promise<unknown> {
    return this.run(async (redis) => {
      try {
        return await redis.evalSha(lua.sha1, { keys, arguments: args });
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith('NOSCRIPT'))) throw error;
        return redis.eval(lua.source, { keys, arguments: args });
      }
    });
  }

  /** Closes a connection this package opened; a client you passed is only let go (its listeners removed). */
  async close(): Promise<void> {
    this.#client.off('ready', this.#onReady);
    if (!this.#owned) {
      this.#client.off('error', this.#onErrorEvent);
      return;
    }
    // The error listener stays: a closing socket may still report.
    if (this.#client.isReady) await this.#client.close();
    else if (this.#client.isOpen) this.#client.destroy();
  }
}

function ownClient(url: string, timeout: number) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: timeout,
      // Never give up: an outage ends by itself when Redis is back. Exponential from 50 ms, at most 1 s.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  });
}

async function within<T>(promise: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RedisUnavailableError(`Redis did not answer in time (${doing})`)),
      Math.max(0, ms),
    );
  });
  promise.catch(() => {}); // a late failure after the deadline is nobody's to handle
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function unavailable(error: unknown): unknown {
  if (error instanceof RedisUnavailableError) return error;
  // An error reply is Redis answering: a bug (wrong type, unknown command, no permission) unless it says "not now".
  if (isErrorReply(error) && !TRANSIENT_REPLY.test(error.message)) return error;
  const name = error instanceof Error ? error.name || error.constructor.name : 'error';
  return new RedisUnavailableError(`Redis is unavailable (${name})`, error);
}

/** Whether `error` is node-redis's `ErrorReply` (by name along its prototype chain: the user's client may come from
 * another copy of the package). */
function isErrorReply(error: unknown): error is Error {
  for (let proto = error; proto !== null && typeof proto === 'object'; proto = Object.getPrototypeOf(proto)) {
    if ((proto as { constructor?: { name?: string } }).constructor?.name === 'ErrorReply') return true;
  }
  return false;
}
