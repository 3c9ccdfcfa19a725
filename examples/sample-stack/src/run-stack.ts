// `pnpm stack`: the same services as the demo, kept running so you can call them with curl (see the README).
import { APIS, label, portsFromEnv, startStack } from './stack.js';

const stack = await startStack({ ports: portsFromEnv() });
console.log('audguard sample stack is running (Ctrl+C to stop):');
console.log(`  ${label('as').padEnd(22)} ${stack.urls.as}`);
for (const api of APIS) console.log(`  ${label(api).padEnd(22)} ${stack.urls[api]}`);
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
