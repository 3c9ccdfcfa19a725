import { forgeExpired, forgeTampered, startTestIssuer } from '@audguard/testing';
import { AggregationTemporality, DataPointType, InMemoryMetricExporter } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REFUSALS_METRIC } from '../src/audit.js';
import { type RunningServer, startServer } from '../src/server.js';

const ORDERS = 'https://orders.audit.example';
const INVOICES = 'https://invoices.audit.example';
/** The API's identifier with a trailing slash: an audience near miss, which audguard warns about. */
const ORDERS_SLASH = `${ORDERS}/`;

const issuer = await startTestIssuer({
  resources: [{ id: ORDERS, scopes: ['orders:read'] }, INVOICES, ORDERS_SLASH],
});
const lines: Record<string, unknown>[] = [];
const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
let api: RunningServer;

beforeAll(async () => {
  api = await startServer({
    issuer: issuer.issuer,
    audience: ORDERS,
    // pino writes one JSON line per call to any object with write().
    logDestination: { write: (line: string) => void lines.push(JSON.parse(line)) },
    metricExporter: exporter,
  });
});
afterAll(async () => {
  await api.close();
  await issuer.close();
});

const get = (token?: string) =>
  fetch(
    `${api.url}/orders?page=2`,
    token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } },
  );
const decisions = () => lines.filter((l) => l.event === 'audguard.decision');

/** The refusal counter's exported data points, as { reason: count }. */
async function refusalsByReason(): Promise<Record<string, number>> {
  await api.flushMetrics();
  const metrics = exporter
    .getMetrics()
    .at(-1)
    ?.scopeMetrics.flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === REFUSALS_METRIC);
  if (metrics === undefined) return {}; // nothing refused yet
  expect(metrics.dataPointType).toBe(DataPointType.SUM);
  return Object.fromEntries(
    metrics.dataPoints.map((p) => [String(p.attributes['audguard.reason']), p.value as number]),
  );
}

it('logs every decision with pino and counts refusals by reason with OpenTelemetry', async () => {
  const good = await issuer.token({ resource: ORDERS, scopes: ['orders:read'], subject: 'alice' });
  expect((await get(good)).status).toBe(200);
  const expired = await forgeExpired(issuer, { resource: ORDERS, scopes: ['orders:read'] });
  expect((await get(expired)).status).toBe(401);
  const forInvoices = await issuer.token({ resource: INVOICES, scopes: ['invoices:read'] });
  expect((await get(forInvoices)).status).toBe(401);
  const tampered = await forgeTampered(issuer, { resource: ORDERS, scopes: ['orders:read'] });
  expect((await get(tampered)).status).toBe(401);
  expect((await get()).status).toBe(401);

  expect(decisions()).toEqual([
    expect.objectContaining({
      level: 30,
      service: 'orders-api',
      msg: 'audguard: accepted',
      outcome: 'accepted',
      issuer: issuer.issuer,
      subject: 'alice',
      client: 'test-client',
      audience: [ORDERS],
      scopes: ['orders:read'],
      method: 'GET',
      path: '/orders',
    }),
    expect.objectContaining({ outcome: 'refused', reason: 'expired', status: 401, subject: 'test-user' }),
    expect.objectContaining({ outcome: 'refused', reason: 'audience_mismatch', audience: [INVOICES] }),
    expect.objectContaining({ outcome: 'refused', reason: 'bad_signature', status: 401 }),
    expect.objectContaining({ outcome: 'refused', reason: 'missing_token', status: 401, path: '/orders' }),
  ]);
  // Claims are logged only when the issuer's signature vouches for them: not the tampered token's `sub`.
  expect(decisions()[3]).not.toHaveProperty('subject');
  // Never the token, never the query.
  const logged = JSON.stringify(lines);
  for (const token of [good, expired, forInvoices, tampered]) expect(logged).not.toContain(token);
  expect(logged).not.toContain('page=2');

  expect(await refusalsByReason()).toEqual({
    expired: 1,
    audience_mismatch: 1,
    bad_signature: 1,
    missing_token: 1,
  });
});

it('logs the key-set fetch, and audguard warnings by their AUDGUARD_* code', async () => {
  const before = (await refusalsByReason()).audience_mismatch ?? 0;
  const nearMiss = await issuer.token({ resource: ORDERS_SLASH });
  expect((await get(nearMiss)).status).toBe(401);
  expect(lines).toContainEqual(
    expect.objectContaining({ event: 'audguard.keys', type: 'fetched', url: issuer.jwksUri, level: 30 }),
  );
  // process.emitWarning delivers on the next tick.
  await new Promise((resolve) => setImmediate(resolve));
  expect(lines).toContainEqual(
    expect.objectContaining({
      event: 'audguard.warning',
      level: 40,
      code: 'AUDGUARD_AUDIENCE_NEAR_MISS',
      detail: expect.stringContaining(`"${ORDERS_SLASH}"`),
    }),
  );
  expect((await refusalsByReason()).audience_mismatch).toBe(before + 1);
});
