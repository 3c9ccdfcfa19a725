// The gate of every suite that needs a real redis-server: without one the suite is skipped, loudly; under CI=true it
// fails instead, so CI can never pass without having run the Redis tests.
import { describe, it } from 'vitest';
import { redisServerInstalled, redisServerMissing } from './redis-server.js';

export { redisServerInstalled } from './redis-server.js';

/**
 * `describe` for suites that need a real redis-server. Without one: under `CI=true` a failing test says what to
 * install; locally the suite is skipped and a banner says so.
 */
export function describeRedis(name: string, body: () => void): void {
  if (redisServerInstalled) {
    describe(name, body);
    return;
  }
  if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(
          `${redisServerMissing}; CI must run the Redis tests: apt-get install -y redis-server`,
        );
      });
    });
    return;
  }
  console.warn(
    `\n*** SKIPPED: "${name}" — ${redisServerMissing}. Install it (apt-get install -y redis-server) to run them. ***\n`,
  );
  describe.skip(name, body);
}
