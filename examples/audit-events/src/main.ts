// Runs the orders API with its audit trail on stdout: `AUDGUARD_ISSUER=… AUDGUARD_AUDIENCE=… pnpm start`.
import { ConsoleMetricExporter } from '@opentelemetry/sdk-metrics';
import { startServer } from './server.js';

const { AUDGUARD_ISSUER: issuer, AUDGUARD_AUDIENCE: audience, PORT } = process.env;
if (!issuer || !audience) throw new Error('Set AUDGUARD_ISSUER and AUDGUARD_AUDIENCE.');
const server = await startServer({
  issuer,
  audience,
  metricExporter: new ConsoleMetricExporter(),
  port: Number(PORT ?? 3000),
});
console.error(`orders API on ${server.url}`);
