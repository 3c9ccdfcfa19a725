/** The load generator: autocannon's programmatic API, one bearer token per request from a rotating list. */
import autocannon from 'autocannon';
import { ROUTE } from './protocol.js';

export interface LoadOptions {
  port: number;
  /** Tokens sent in turn, one per request, across all connections (so N tokens really are N distinct requests). */
  tokens: readonly string[];
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationS: number;
  /** Stop after this many responses instead of after `durationS`. */
  amount?: number;
  /** Hard stop, whatever happens. */
  timeoutS: number;
  /** Index of the first token to send (runs of one workload continue where the last one stopped). Default 0. */
  offset?: number;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  rps: number;
  /** Milliseconds, from every response's own timing. */
  p50: number;
  p99: number;
  statusCodes: Record<string, number>;
  /** Where the next run should start in the token list. */
  nextOffset: number;
}

/** Runs one load test against `127.0.0.1:port`. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const { tokens } = options;
  if (tokens.length === 0) throw new Error('runLoad needs at least one token');
  let next = options.offset ?? 0;
  const latencies = new LatencyRecorder();
  let finish: (error: unknown, result: autocannon.Result) => void = () => {};
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: `http://127.0.0.1:${options.port}`,
      connections: options.connections,
      pipelining: 1,
      duration: options.durationS,
      ...(options.amount === undefined ? {} : { amount: options.amount }),
      // The run ends on the sampling tick after the deadline: sample often so short runs stay short.
      sampleInt: 100,
      timeout: 10,
      requests: [
        {
          method: 'GET',
          path: ROUTE,
          setupRequest: (request) => {
            const token = tokens[next++ % tokens.length];
            // autocannon hands over a fresh copy of the headers for every request.
            request.headers = request.headers ?? {};
            request.headers.authorization = `Bearer ${token}`;
            return request;
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) =>
    latencies.record(responseTime),
  );
  const guard = setTimeout(() => instance.stop(), options.timeoutS * 1000);
  const result = await done.finally(() => clearTimeout(guard));

  const requests = result.requests.total;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = count ?? 0;
  return {
    requests,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: result.duration,
    rps: result.duration > 0 ? requests / result.duration : 0,
    p50: latencies.percentile(0.5),
    p99: latencies.percentile(0.99),
    statusCodes,
    nextOffset: next % tokens.length,
  };
}

/** Response times in a growable typed array (autocannon's own histogram rounds to whole milliseconds). */
class LatencyRecorder {
  private values = new Float64Array(1 << 16);
  private length = 0;

  record(ms: number): void {
    if (this.length === this.values.length) {
      if (this.length >= 1 << 24) return; // 16M samples is plenty; stop growing.
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = ms;
  }

  percentile(p: number): number {
    if (this.length === 0) return Number.NaN;
    const sorted = this.values.slice(0, this.length).sort();
    return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  }
}
