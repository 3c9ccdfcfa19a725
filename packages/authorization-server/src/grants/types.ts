import type { GrantType } from '../config.js';
import type { Params } from '../http/params.js';
import type { ServerContext } from '../server-context.js';
import type { Client } from '../settings.js';

/** The body of a successful token response (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  /** `DPoP` when the access token is bound to the request's DPoP key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  /** The effective scope, always returned (RFC 8707 §2.2). */
  scope: string;
  refresh_token?: string;
}

/** A grant type handler, one per file. @internal */
export interface Grant {
  readonly grantType: GrantType;
  /**
   * `receivedAt`: when the token endpoint received the request (ms, the server's clock). `proofKey`: the RFC 7638
   * thumbprint of the request's valid DPoP proof, or `undefined` without one (or with DPoP off).
   */
  handler(
    ctx: ServerContext,
    client: Client,
    params: Params,
    receivedAt: number,
    proofKey: string | undefined,
  ): Promise<TokenResponseBody>;
}
