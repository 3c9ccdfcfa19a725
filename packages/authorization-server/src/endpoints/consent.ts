import { approve, errorLocation } from '../authorization-response.js';
import { isSameBrowser, isSameOrigin } from '../browser-binding.js';
import { badAuthorizationRequest, clientForPage, showConsentPage } from '../consent-page.js';
import { OAuthError } from '../errors.js';
import { readForm } from '../http/body.js';
import { redirectResponse } from '../http/responses.js';
import { openLogin } from '../interaction.js';
import type { ServerContext } from '../server-context.js';
import { signIn } from '../sign-in.js';

const expired =
  'This sign-in page has expired or was already used. Go back to the application and start again.';
const crossSite = 'This form was posted from another site. Go back to the application and start again.';
const otherBrowser =
  'This sign-in page was opened in another browser, or the browser did not send its cookie. Go back to the application and start again.';

/**
 * `POST /authorize/consent`: the login and consent form. The pending request comes back signed in the form
 * (`interaction`, with its signature as `csrf_token`) and must be unexpired and posted by the browser that began
 * the flow (its cookie; `Origin`, when sent, the issuer's — else 403); each form is accepted once, which the store's
 * atomic counter decides. Deny redirects `access_denied`; approval redirects with a code (303). A wrong password
 * shows the next form of the same pending request, until `attemptLimits.perInteraction` attempts end it
 * (`access_denied`); a locked username or client shows it with 429 and `Retry-After`.
 */
export async function consentEndpoint(ctx: ServerContext, request: Request): Promise<Response> {
  let params: Awaited<ReturnType<typeof readForm>>;
  try {
    params = await readForm(request);
  } catch (error) {
    if (error instanceof OAuthError) return badAuthorizationRequest(error.description, error.status);
    throw error;
  }
  if (params.duplicated.length > 0) return badAuthorizationRequest('A form field is repeated.');
  if (!isSameOrigin(ctx, request)) return badAuthorizationRequest(crossSite, 403);
  const login = openLogin(ctx, params.get('interaction'), params.get('csrf_token'));
  if (login === undefined) {
    return badAuthorizationRequest('The form could not be verified (CSRF token mismatch). Start again.');
  }
  const remaining = login.expiresAt - ctx.settings.now();
  if (remaining <= 0) return badAuthorizationRequest(expired);
  if (!isSameBrowser(ctx, request, login.browser)) return badAuthorizationRequest(otherBrowser, 403);
  const decision = params.get('decision');
  if (decision !== 'approve' && decision !== 'deny')
    return badAuthorizationRequest('Choose to allow or to deny.');
  // The one write of a pending login: the form numbered n is accepted only as the n-th post.
  if ((await ctx.records.countFormPost(login.id, remaining / 1000)) !== login.attempt) {
    return badAuthorizationRequest(expired);
  }
  const { request: record } = login;
  if (decision === 'deny') {
    const denied = new OAuthError('access_denied', 'The user denied the request.');
    return redirectResponse(errorLocation(ctx, record, denied), 303);
  }
  const username = params.get('username');
  const result = await signIn(ctx, record.clientId, username, params.get('password'));
  if ('user' in result) return redirectResponse(await approve(ctx, record, result.user.subject), 303);
  if (login.attempt >= ctx.settings.attemptLimits.perInteraction) {
    const ended = new OAuthError('access_denied', 'Too many failed sign-in attempts on this page.');
    return redirectResponse(errorLocation(ctx, record, ended), 303);
  }
  const shown = { ...login, attempt: login.attempt + 1 };
  const typed = username === undefined ? {} : { username };
  const client = await clientForPage(ctx, record.clientId);
  if (!result.locked) {
    return showConsentPage(ctx, shown, client, { error: 'Wrong username or password.', ...typed });
  }
  return showConsentPage(ctx, shown, client, {
    error: `Too many failed sign-ins. Try again in ${Math.ceil(result.retryAfter / 60)} minutes.`,
    ...typed,
    status: 429,
    headers: { 'Retry-After': String(result.retryAfter) },
  });
}
