const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

const style = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}
h1{font-size:1.3rem}ul{padding-left:1.2rem}code{background:#f3f3f3;padding:0 .2rem}
label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.5rem 1rem}.error{color:#a00}.who{color:#444}
.warning{background:#fff4e5;border-left:.25rem solid #e69500;padding:.4rem .6rem}code{word-break:break-all}`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${style}</style></head>
<body>${body}</body></html>`;
}

/** A resource on the consent page with the scopes asked for it. */
export interface ConsentResource {
  id: string;
  name: string;
  scopes: readonly string[];
}

/** Who asks, as the consent page shows it. */
export interface ConsentClient {
  name: string;
  kind: 'configured' | 'registered' | 'metadata-document';
  /** A self-described client's `client_id`: the URL of its metadata document. */
  url?: string;
}

/** Where the browser will be sent back. */
export interface ConsentRedirect {
  uri: string;
  /** The host (with port) of an http(s) URI, or the scheme of an app's private-use URI. */
  target: string;
  /** A private-use scheme: an application on the user's device. */
  app: boolean;
  /** A loopback host: any program on the user's machine could be listening. */
  loopback: boolean;
}

/** What the login and consent page shows. */
export interface ConsentPage {
  action: string;
  client: ConsentClient;
  redirect: ConsentRedirect;
  resources: readonly ConsentResource[];
  offline: boolean;
  interaction: string;
  csrfToken: string;
  error?: string;
  username?: string;
}

/** Where the client comes from, said plainly: a configured client is vouched for, the others speak for themselves. */
function clientOrigin(client: ConsentClient): string {
  if (client.kind === 'configured') return 'An application registered with this server by its operator.';
  if (client.kind === 'registered') {
    return 'An application that registered itself with this server: its name is its own claim, not verified.';
  }
  const host = client.url === undefined ? '' : new URL(client.url).host;
  return `A self-described application, published at <strong>${escapeHtml(host)}</strong> (<code>${escapeHtml(client.url ?? '')}</code>): this server has not vetted it, and its name is its own claim.`;
}

function redirectNotice(redirect: ConsentRedirect): string {
  const where = redirect.app
    ? `an application on this device (<strong>${escapeHtml(redirect.target)}</strong>)`
    : `<strong>${escapeHtml(redirect.target)}</strong>`;
  const notice = `<p>When you answer, your browser goes back to ${where}: <code>${escapeHtml(redirect.uri)}</code></p>`;
  if (!redirect.loopback) return notice;
  return `${notice}
<p class="warning" role="note">That is an address on this computer: any program running on it could receive the answer. Allow only if you started this from an application you trust.</p>`;
}

/** The login and consent form. Every value is escaped; the form carries a one-time CSRF token. */
export function renderConsentPage(view: ConsentPage): string {
  const resources = view.resources
    .map((resource) => {
      const scopes = resource.scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(', ');
      const id = resource.name === resource.id ? '' : ` (<code>${escapeHtml(resource.id)}</code>)`;
      return `<li><strong>${escapeHtml(resource.name)}</strong>${id}: ${scopes}</li>`;
    })
    .join('\n');
  const offline = view.offline ? '\n<li>Keep access while you are away (a refresh token)</li>' : '';
  const error = view.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(view.error)}</p>`;
  return page(
    'Sign in and authorize',
    `<h1><strong>${escapeHtml(view.client.name)}</strong> asks for access</h1>
<p class="who">${clientOrigin(view.client)}</p>
<p>It wants to use:</p>
<ul>
${resources}${offline}
</ul>
${redirectNotice(view.redirect)}
${error}
<form method="post" action="${escapeHtml(view.action)}">
<input type="hidden" name="interaction" value="${escapeHtml(view.interaction)}">
<input type="hidden" name="csrf_token" value="${escapeHtml(view.csrfToken)}">
<label>Username <input name="username" autocomplete="username" value="${escapeHtml(view.username ?? '')}"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit" name="decision" value="approve">Sign in and allow</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}

/** A page for errors that must not be redirected to the client (RFC 6749 §4.1.2.1). */
export function renderErrorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}
