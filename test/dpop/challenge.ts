/**
 * Reads a `WWW-Authenticate` field into its challenges (RFC 9110 §11.6.1): `Bearer realm="api", DPoP algs="ES256"`
 * → `{ Bearer: { realm: 'api' }, DPoP: { algs: 'ES256' } }`. Values are quoted strings without quotes inside (what
 * audguard sends), so a scheme is any token not followed by `=`.
 */
export function challenges(header: string | undefined): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  if (header === undefined) return out;
  let current: Record<string, string> | undefined;
  const token = /\s*([A-Za-z][\w-]*)(?:="([^"]*)")?\s*,?/y;
  while (token.lastIndex < header.length) {
    const start = token.lastIndex;
    const match = token.exec(header);
    if (match === null || token.lastIndex === start) throw new Error(`unreadable challenge: ${header}`);
    const [, name, value] = match as unknown as [string, string, string | undefined];
    if (value === undefined) {
      current = {};
      out[name] = current;
    } else if (current === undefined) {
      throw new Error(`a parameter before any scheme: ${header}`);
    } else {
      current[name] = value;
    }
  }
  return out;
}
