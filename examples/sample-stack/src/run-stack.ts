// `pnpm stack`: the same services as the demo, kept running so you can call them with curl (see the README).
// With AUDGUARD_REDIS_URL, two authorization-server instances on that Redis answer behind the one issuer URL.
import { redisFromEnv } from './redis.js';
import { APIS, DPOP_API, label, portsFromEnv, startStack } from './stack.js';

const redis = redisFromEnv();
const stack = await startStack({ ports: portsFromEnv(), ...(redis === undefined ? {} : { redis }) }).catch(
  (error: unknown) => {
    console.error(`The stack could not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
console.log('audguard sample stack is running (Ctrl+C to stop):');
console.log(`  ${label('as').padEnd(22)} ${stack.urls.as}`);
for (const api of [...APIS, DPOP_API]) console.log(`  ${label(api).padEnd(22)} ${stack.urls[api]}`);
console.log(`  ${label('ledger').padEnd(22)} ${stack.urls.ledger}   (reference tokens, introspected)`);
if (stack.redis !== undefined) {
  console.log(`\nTwo authorization-server instances on ${redis?.url}, behind ${stack.urls.as} (round robin: each answer
names its instance in X-Audguard-Instance). State and signing keys live in Redis under ${stack.redis.prefix}`);
  if (stack.redis.ephemeralKey) {
    console.log(`The signing keys are encrypted with a key made for this run; set AUDGUARD_KEY_ENCRYPTION_KEY
(\`openssl rand -base64 32\`) to keep them across restarts.`);
  }
}
console.log(`\nGet a token for the orders API:
  curl -s -u reporting-job:reporting-job-secret -d grant_type=client_credentials \\
    -d scope=orders:read -d resource=${stack.urls.orders} ${stack.urls.as}/token`);

const stop = () => {
  stack.close().then(() => {
    console.log('\nsample stack stopped');
    process.exit(0);
  });
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
