import { approve, errorLocation } from '../authorization-response.js';
import { badAuthorizationRequest, showConsentPage } from '../consent-page.js';
import { timingSafeEqual } from '../crypto.js';
import { OAuthError } from '../errors.js';
import { readForm } from '../http/body.js';
import { redirectResponse } from '../http/responses.js';
import type { ServerContext } from '../server-context.js';

const expired =
  'This sign-in page has expired or was already used. Go back to the application and start again.';

async function checkUser(ctx: ServerContext, username: string | undefined, password: string | undefined) {
  const user = username === undefined ? undefined : ctx.settings.users.get(username);
  // Compare even for an unknown user, so timing does not tell which usernames exist.
  const matches = await timingSafeEqual(password ?? '', user?.password ?? '');
  return user !== undefined && password !== undefined && matches ? user : undefined;
}

/**
 * `POST /authorize/consent`: the login and consent form. The pending authorization is taken once (so its CSRF
 * token is single-use) and the form's `csrf_token` must match it. Deny redirects `access_denied`; a wrong password
 * shows the form again with a new token; approval redirects with a code (303).
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
  const interaction = params.get('interaction');
  const record = interaction === undefined ? undefined : await ctx.records.consumeInteraction(interaction);
  if (record === undefined) return badAuthorizationRequest(expired);
  const csrf = params.get('csrf_token');
  if (csrf === undefined || !(await timingSafeEqual(csrf, record.csrf))) {
    return badAuthorizationRequest('The form could not be verified (CSRF token mismatch). Start again.');
  }

  const decision = params.get('decision');
  if (decision === 'deny') {
    const denied = new OAuthError('access_denied', 'The user denied the request.');
    return redirectResponse(errorLocation(ctx, record, denied), 303);
  }
  if (decision !== 'approve') return badAuthorizationRequest('Choose to allow or to deny.');
  const username = params.get('username');
  const user = await checkUser(ctx, username, params.get('password'));
  if (user === undefined) {
    return showConsentPage(ctx, record, {
      error: 'Wrong username or password.',
      ...(username === undefined ? {} : { username }),
    });
  }
  return redirectResponse(await approve(ctx, record, user.subject), 303);
}
