import type { GrantType } from '../config.js';
import type { Params } from '../http/params.js';
import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';

/** The body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** The effective scope, always returned (RFC 8707 §2.2). */
  scope: string;
  refresh_token?: string;
}

/** A grant type handler, one per file. @internal */
export interface Grant {
  readonly grantType: GrantType;
  /** `receivedAt`: when the token endpoint received the request (ms, the server's clock). */
  handler(ctx: ServerContext, client: Client, params: Params, receivedAt: number): Promise<TokenResponseBody>;
}
