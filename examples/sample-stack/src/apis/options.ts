/** What each sample API needs to know: who issues its tokens and which resource it is. */
export interface ApiOptions {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** This API's resource identifier (RFC 8707) — its own base URL here. */
  resource: string;
  /** `'exclusive'` refuses tokens that are also valid at other APIs. */
  audiencePolicy: 'any' | 'exclusive';
}
