/**
 * The orders API behind audguard, with its audit trail: pino lines to `logDestination`, refusals counted by reason
 * and exported to `metricExporter` (the console, an in-memory exporter in tests, OTLP in production).
 */
import type { AddressInfo } from 'node:net';
import { guard, requireScopes } from '@audguard/express';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import express from 'express';
import pino, { type DestinationStream } from 'pino';
import { auditDecisions, logAudguardWarnings } from './audit.js';

export interface ServerOptions {
  /** The authorization server the API trusts (its keys are discovered from its metadata). */
  issuer: string;
  /** This API's resource identifier: the audience its tokens must carry. */
  audience: string;
  logDestination?: DestinationStream;
  metricExporter: PushMetricExporter;
  /** Default `0`: an ephemeral port on the loopback interface. */
  port?: number;
}

export interface RunningServer {
  readonly url: string;
  /** Exports the metrics now (they are also exported every minute). */
  flushMetrics(): Promise<void>;
  close(): Promise<void>;
}

export function ordersApi(issuer: string, audience: string): express.Express {
  const app = express();
  app.use(guard({ issuer, audience }));
  app.get('/orders', requireScopes('orders:read'), (req, res) => {
    res.json({ subject: req.auth?.subject, orders: [{ id: 1 }] });
  });
  return app;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const logger = pino({ base: { service: 'orders-api' } }, options.logDestination ?? pino.destination(1));
  const reader = new PeriodicExportingMetricReader({
    exporter: options.metricExporter,
    exportIntervalMillis: 60_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const stopAudit = auditDecisions(logger, meterProvider.getMeter('orders-api'));
  const stopWarnings = logAudguardWarnings(logger);

  const server = ordersApi(options.issuer, options.audience).listen(options.port ?? 0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve).once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    flushMetrics: () => meterProvider.forceFlush(),
    async close() {
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
      stopAudit();
      stopWarnings();
      await meterProvider.shutdown();
    },
  };
}
