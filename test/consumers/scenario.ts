// Runs the root README as a reader would: the authorization server of "The authorization server in ten lines",
// each quickstart beside it, then tokens from the one to the others ("Try it by hand").
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Background, run } from './proc.js';
import { compiled, type Project, ROOT } from './project.js';

export interface Outcome {
  label: string;
  ok: boolean;
  detail: string;
}

/** The README's port numbers (4000 the authorization server, 4001–4003 the APIs) → ports free on this machine. */
export type Ports = Map<number, number>;

export function portMapper(ports: Ports): (code: string) => string {
  return (code) => code.replace(/\b(400\d)\b/g, (text) => String(ports.get(Number(text)) ?? text));
}

interface Api {
  label: string;
  file: string;
  port: number;
  route: string;
  audience: string;
  scope: string;
}

/** What each quickstart says about itself: its port, route, audience and required scope, read from its code. */
function describe(code: string, file: string, handlerPort: number): Api {
  const audience = /audience: '([^']+)'/.exec(code)?.[1];
  const scope = /requireScopes\('([^']+)'\)|scopes: \['([^']+)'\]/.exec(code);
  const handler = /export async function handle\b/.test(code);
  const port = handler ? handlerPort : Number(/(?:listen\(|port: )(\d+)/.exec(code)?.[1]);
  const route = handler ? '/' : /\.get\('([^']+)'/.exec(code)?.[1];
  if (!audience || !scope || !route || !port)
    throw new Error(`${file}: cannot tell its audience/scope/route/port`);
  const adapter = /from '@audguard\/(\w+)'/.exec(code)?.[1] ?? file;
  const label =
    { express: 'Express', hono: 'Hono', koa: 'Koa', core: 'core web handler' }[adapter] ?? adapter;
  return { label, file, port, route, audience, scope: scope[1] ?? scope[2] ?? '' };
}

const HARNESS = `// Serves the README's web handler over HTTP, as Bun, Deno or Workers would.
import { pathToFileURL } from 'node:url';
import { serve } from '@hono/node-server';
const [, , file, port] = process.argv;
const { handle } = await import(pathToFileURL(file).href);
serve({ fetch: handle, port: Number(port), hostname: '127.0.0.1' });
`;

export async function runReadme(project: Project, ports: Ports, handlerPort: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const mine = project.files.filter(({ snippet }) => snippet.readme === 'README.md');
  const asBlock = mine.find(({ snippet }) => snippet.code.includes('createAuthorizationServer'));
  if (!asBlock) throw new Error('README.md: no authorization server block');
  const client = /clientId: '([^']+)',\s*clientSecret: '([^']+)'/.exec(asBlock.snippet.code);
  if (!client?.[1] || !client[2])
    throw new Error('README.md: the authorization server block names no client');
  const credentials = `Basic ${Buffer.from(`${client[1]}:${client[2]}`).toString('base64')}`;
  const apis = mine
    .filter(({ snippet }) => snippet !== asBlock.snippet)
    .filter(({ snippet }) => /(?:listen\(|port: )400\d|export async function handle\b/.test(snippet.code))
    .map(({ snippet, file }) => ({
      ...describe(portMapper(ports)(snippet.code), file, handlerPort),
      where: `README.md:${snippet.line}`,
    }));

  writeFileSync(join(project.dir, 'serve-handler.mjs'), HARNESS);
  const asPort = ports.get(4000) ?? 0;
  const servers: Background[] = [];
  try {
    const as = new Background(process.execPath, [compiled(project, asBlock.file)], project.dir);
    servers.push(as);
    await as.listening(asPort);
    for (const api of apis) {
      const js = compiled(project, api.file);
      const args = api.route === '/' ? ['serve-handler.mjs', js, String(api.port)] : [js];
      const server = new Background(process.execPath, args, project.dir);
      servers.push(server);
      await server.listening(api.port);
    }
    const tokens = new Map<Api, string>();
    for (const api of apis) {
      const response = await fetch(`http://127.0.0.1:${asPort}/token`, {
        method: 'POST',
        headers: { authorization: credentials, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          scope: api.scope,
          resource: api.audience,
        }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (response.status !== 200 || !body.access_token) {
        throw new Error(`token for ${api.audience}: ${response.status} ${JSON.stringify(body)}`);
      }
      tokens.set(api, body.access_token);
    }
    for (const [i, api] of apis.entries()) {
      // The next API with another audience: its token must be refused here.
      const others = [...apis.slice(i + 1), ...apis.slice(0, i)];
      const other = others.find((o) => o.audience !== api.audience);
      if (!other) throw new Error('README.md: the quickstarts need at least two audiences');
      outcomes.push(
        ...(await callApi(api, tokens.get(api) ?? '', other, tokens.get(other) ?? '', client[1])),
      );
    }
    outcomes.push(...(await tryItByHand(project, ports)));
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
  return outcomes;
}

async function callApi(
  api: Api & { where?: string },
  token: string,
  other: Api,
  foreign: string,
  clientId: string,
) {
  const url = `http://127.0.0.1:${api.port}${api.route}`;
  const name = `${api.label} quickstart (${api.where ?? api.file})`;
  const outcomes: Outcome[] = [];
  const own = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await own.json().catch(() => ({}))) as { subject?: unknown };
  outcomes.push({
    label: `${name}: its own token → 200 with the subject`,
    ok: own.status === 200 && body.subject === clientId,
    detail: `${own.status} ${JSON.stringify(body)}`,
  });
  const none = await fetch(url);
  const challenge = none.headers.get('www-authenticate') ?? '';
  outcomes.push({
    label: `${name}: no token → 401, a Bearer challenge without error`,
    ok: none.status === 401 && /^Bearer /.test(challenge) && !challenge.includes('error='),
    detail: `${none.status} ${challenge}`,
  });
  const replay = await fetch(url, { headers: { authorization: `Bearer ${foreign}` } });
  const refused = replay.headers.get('www-authenticate') ?? '';
  outcomes.push({
    label: `${name}: the ${other.label} quickstart's token → 401 invalid_token`,
    ok: replay.status === 401 && refused.includes('error="invalid_token"'),
    detail: `${replay.status} ${refused}`,
  });
  return outcomes;
}

/**
 * The "Try it by hand" commands themselves, with the ports mapped: each `curl -i … # 200` line is run for its
 * status, which must be the one its comment promises. Needs bash and curl; without them it says so and skips.
 */
async function tryItByHand(project: Project, ports: Ports): Promise<Outcome[]> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Try it by hand');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const script = /```sh\n((?:(?!```)[\s\S])*TOKEN=(?:(?!```)[\s\S])*)```/.exec(section)?.[1];
  if (!script)
    return [{ label: 'README.md "Try it by hand": a sh block with TOKEN=', ok: false, detail: '' }];
  const tools = await run('bash', ['-c', 'command -v curl'], { cwd: project.dir, timeoutMs: 5000 }).catch(
    () => null,
  );
  if (tools?.code !== 0) {
    console.log('  skip: the "Try it by hand" commands need bash and curl, which this machine lacks');
    return [];
  }
  const expected: string[] = [];
  const commands = portMapper(ports)(script)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => {
      const call = /^curl -i (.*?)\s+# (\d{3})\b.*$/.exec(line);
      if (!call) return line;
      expected.push(call[2] ?? '');
      return `curl -s -o /dev/null -w '%{http_code}\\n' ${call[1]}`;
    });
  const { code, output } = await run('bash', ['-euo', 'pipefail', '-c', commands.join('\n')], {
    cwd: project.dir,
    timeoutMs: 30_000,
  });
  const got = output.trim().split('\n');
  return [
    {
      label: `README.md "Try it by hand": ${expected.length} curl calls answer ${expected.join(', ')}`,
      ok: code === 0 && expected.length > 0 && got.join(',') === expected.join(','),
      detail: output.trim(),
    },
  ];
}
