// A small round-robin front: one issuer URL, several authorization-server instances behind it, each request to the
// next. Every answer names the instance that gave it (`X-Audguard-Instance`), so you can watch them take turns.

/** Something that answers web requests: an `AuthorizationServer` is one. */
export interface Upstream {
  fetch(request: Request): Promise<Response>;
}

/**
 * A handler that sends each request to the next of `upstreams()` in turn. It is a function so the set can change
 * (an instance restarted) without a new front.
 */
export function roundRobin(upstreams: () => readonly Upstream[]): (request: Request) => Promise<Response> {
  let next = 0;
  return async (request) => {
    const all = upstreams();
    const index = next++ % all.length;
    const upstream = all[index];
    if (upstream === undefined) return new Response(null, { status: 503, headers: { 'Retry-After': '1' } });
    const response = await upstream.fetch(request);
    const headers = new Headers(response.headers);
    headers.set('X-Audguard-Instance', String(index + 1));
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}
