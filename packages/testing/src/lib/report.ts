import type { CheckId, CheckResult } from '../expect.js';

/** What the report needs to know about the run. @internal */
export interface RunContext {
  readonly route: string;
  readonly resource: string;
  readonly issuer: string;
  readonly requiredScopes: readonly string[];
}

/** What letting each attack in means, and what to change. */
const ACCEPTED: Record<Exclude<CheckId, 'valid' | 'no-token'>, (context: RunContext) => string> = {
  'foreign-audience': ({ resource }) =>
    `tokens minted for other APIs get in: check that \`aud\` names this API (${resource}).`,
  'multi-audience': () =>
    'an `aud` array naming only other APIs gets in: check every entry of an array `aud`.',
  'shared-audience': () =>
    "a token also valid at another API gets in: refuse an `aud` that names other APIs (audguard: audiencePolicy: 'exclusive').",
  expired: () => 'expired tokens get in: check `exp`.',
  'not-yet-valid': () => 'tokens get in before their `nbf`: check it.',
  'wrong-issuer': ({ issuer }) =>
    `tokens from another issuer get in: compare \`iss\` with ${issuer} exactly.`,
  'alg-none': () => 'unsigned tokens get in: never accept `alg: none`; allow-list the algorithms.',
  'key-confusion': () =>
    'an HMAC keyed with the public key gets in: allow-list asymmetric algorithms only (RFC 8725 §2.1).',
  'unknown-key': () =>
    "tokens signed with keys the issuer never published get in: verify with the issuer's keys only.",
  tampered: () => 'edited tokens get in: verify the signature before trusting any claim.',
  'wrong-type': () => 'other kinds of JWT pass as access tokens: check `typ` (RFC 8725 §3.11, RFC 9068 §4).',
  'missing-scope': ({ requiredScopes }) =>
    `the route does not require ${requiredScopes.join(' ')}: answer 403 insufficient_scope without it.`,
};

function hint(result: CheckResult, context: RunContext, validRefused: boolean): string {
  const { id, expected, received } = result;
  if (received === undefined) return `request() failed: ${errorMessage(result.error)}`;
  if (expected === '2xx' && id !== 'valid' && validRefused)
    return 'refused like the valid token: fix that first.';
  if (id === 'valid') {
    return (
      `a valid token was refused, so the other checks prove nothing: configure the API's verifier with issuer ` +
      `${context.issuer} and audience ${context.resource}, and pass the route's scopes as requiredScopes.`
    );
  }
  if (id === 'shared-audience' && expected === '2xx') {
    return "a token for this API and another was refused, but audiencePolicy: 'any' says it must get in; if refusing is intended, pass audiencePolicy: 'exclusive'.";
  }
  if (expected === '2xx/401') {
    return `answered ${received}: a token for this API and another must be accepted (2xx) or refused with 401; to hold the API to one, pass audiencePolicy.`;
  }
  if (received >= 200 && received < 300) {
    return id === 'no-token'
      ? 'requests without a token get in: put the guard in front of this route.'
      : ACCEPTED[id](context);
  }
  if (received >= 500) return `the API failed with ${received} instead of refusing with ${expected}.`;
  if (id === 'missing-scope' && received === 401) {
    return 'a valid token without the scope was answered 401: RFC 6750 §3.1 calls for 403 insufficient_scope.';
  }
  return `refused, but with ${received}: RFC 6750 §3.1 answers ${expected === 403 ? 'a missing scope' : 'a missing or bad token'} with ${expected}.`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function notes(results: readonly CheckResult[]): string[] {
  const lines = results.flatMap((result) =>
    result.info === undefined ? [] : [`  - ${result.check}: ${result.info}`],
  );
  return lines.length === 0 ? [] : ['Notes:', ...lines, ''];
}

/** One line per failure; a `request()` that threw the same way on several checks is told once. */
function fixes(failures: readonly CheckResult[], context: RunContext): string[] {
  const validRefused = failures.some((result) => result.id === 'valid' && result.received !== undefined);
  const thrown = new Map<string, number>();
  for (const { received, error } of failures) {
    if (received === undefined) thrown.set(errorMessage(error), (thrown.get(errorMessage(error)) ?? 0) + 1);
  }
  const lines: string[] = [];
  for (const result of failures) {
    const message = errorMessage(result.error);
    const times = result.received === undefined ? (thrown.get(message) ?? 0) : 0;
    if (times > 1) {
      lines.push(`  - ${times} checks: request() failed: ${message}`);
      thrown.delete(message);
    } else if (result.received !== undefined || times === 1) {
      lines.push(`  - ${result.check}: ${hint(result, context, validRefused)}`);
    }
  }
  return lines;
}

/** What the API showed for a token shared with another API, when no audience policy was declared. @internal */
export function policyShown(accepted: boolean): string {
  return accepted
    ? "accepted: this API takes a token also valid at another API (audguard's default, audiencePolicy 'any'); declare audiencePolicy to hold it to a policy."
    : "refused with 401: this API refuses a token also valid at another API (stricter, and sound: audguard's audiencePolicy 'exclusive'); declare audiencePolicy to hold it to a policy.";
}

/**
 * The report {@link AudienceEnforcementError} carries: a table of every check, notes on what passed but is
 * worth knowing (see {@link CheckResult.info}), then what to fix. @internal
 */
export function formatReport(results: readonly CheckResult[], context: RunContext): string {
  const failures = results.filter((result) => !result.passed);
  const rows = results.map((result) => [
    result.passed ? 'ok' : 'FAIL',
    result.check,
    String(result.expected),
    result.received === undefined ? 'error' : String(result.received),
  ]);
  const header = ['', 'check', 'expected', 'received'];
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: string[]) =>
    `  ${cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')}`;
  return [
    `${context.route} failed ${failures.length} of ${results.length} checks (resource ${context.resource}):`,
    '',
    line(header),
    ...rows.map(line),
    '',
    ...notes(results),
    'To fix:',
    ...fixes(failures, context),
  ].join('\n');
}
