// `pnpm demo`: start the stack, run the walkthrough, print what happened, exit 0 only if every expectation held.
import { redisFromEnv } from './redis.js';
import { APIS, type Api, DPOP_API, label, portsFromEnv, startStack } from './stack.js';
import { type Check, type MatrixCell, runWalkthrough } from './walkthrough.js';

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const paint = (code: number) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
const green = paint(32);
const red = paint(31);
const bold = paint(1);
const dim = paint(2);

const FRAMEWORK: Record<Api, string> = { orders: 'Express', invoices: 'Hono', inventory: 'Koa' };
const POLICY: Record<Api, string> = { orders: 'any', invoices: 'exclusive', inventory: 'any' };

async function main(): Promise<number> {
  const redis = redisFromEnv();
  const stack = await startStack({ ports: portsFromEnv(), ...(redis === undefined ? {} : { redis }) });
  try {
    console.log(
      bold('audguard demo — one authorization server, four APIs, each accepting only its own tokens\n'),
    );
    console.log(`  ${'authorization server'.padEnd(24)} ${stack.urls.as}`);
    if (redis !== undefined)
      console.log(`  ${''.padEnd(24)} ${dim(`two instances on ${redis.url}, round robin`)}`);
    for (const api of APIS) {
      console.log(
        `  ${`${label(api)} (${FRAMEWORK[api]})`.padEnd(24)} ${stack.urls[api]}   ${dim(`audience policy: ${POLICY[api]}`)}`,
      );
    }
    console.log(
      `  ${`${label(DPOP_API)} (Express)`.padEnd(24)} ${stack.urls[DPOP_API]}   ${dim('DPoP-bound tokens only')}`,
      `  ${`${label('ledger')} (Express)`.padEnd(24)} ${stack.urls.ledger}   ${dim('reference tokens, introspected')}`,
    );
    let n = 0;
    const result = await runWalkthrough(stack, {
      step: (title) => console.log(`\n${bold(`${++n}. ${title}`)}`),
      check: (check: Check) =>
        console.log(`   ${check.ok ? green('✓') : red('✗')} ${check.label}  ${dim(check.detail)}`),
      matrix: (cells: MatrixCell[]) => printMatrix(cells),
    });
    const failed = result.checks.filter((c) => !c.ok);
    console.log(
      `\n${bold('Result:')} ${result.checks.length - failed.length} of ${result.checks.length} expectations held.` +
        (failed.length
          ? red(` Failed: ${failed.map((c) => c.label).join('; ')}`)
          : green(' Every replayed token was refused.')),
    );
    return failed.length === 0 ? 0 : 1;
  } finally {
    await stack.close();
  }
}

function printMatrix(cells: MatrixCell[]): void {
  const width = 22;
  // The corner label is wider than a cell: the first column is as wide as it, plus a gap.
  const corner = 'token for ↓ / sent to →';
  const first = corner.length + 2;
  const header = APIS.map((api) => label(api).padEnd(width)).join('');
  console.log(`   ${dim(corner.padEnd(first))}${header.trimEnd()}`);
  for (const token of APIS) {
    const row = APIS.map((api) => {
      const cell = cells.find((c) => c.token === token && c.api === api) as MatrixCell;
      const text = `${cell.ok ? '✓' : '✗'} ${cell.status}${cell.error ? ` ${cell.error}` : ' OK'}`.padEnd(
        width,
      );
      return cell.ok ? (token === api ? green(text) : text) : red(text);
    });
    console.log(`   ${`${token} token`.padEnd(first)}${row.join('')}`.trimEnd());
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(red(`demo failed: ${error instanceof Error ? error.message : String(error)}`));
    process.exitCode = 1;
  },
);
