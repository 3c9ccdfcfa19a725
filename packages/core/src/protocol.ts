/**
 * @audguard/core/protocol — protocol building blocks that audguard's own packages share (the authorization server,
 * the testing kit, the adapters), so each rule is written once: unknown-option detection with a did-you-mean, RFC 6749
 * scope tokens, RFC 8615 well-known paths with path insertion, size-capped body reading, the bounded JSON fetch
 * behind key sets and metadata, and the resource server's RFC 9449 DPoP proof check for any server that receives
 * proofs (the authorization server's token endpoint). They are
 * public and versioned like the rest, but an API developer never needs them.
 *
 * @packageDocumentation
 */

export {
  createDpopProofCheck,
  type DpopProofCheck,
  type DpopProofCheckOptions,
  type DpopProofRequest,
  dpopProofHeaders,
} from './dpop/proof-verifier.js';
export { FetchError, type FetchJsonOptions, fetchJson } from './lib/fetch-json.js';
export { closestName, unknownOption } from './lib/known-options.js';
export { BodyTooLargeError, readLimitedBody, readRequestBody } from './lib/read-body.js';
export { isScopeToken } from './lib/scope-token.js';
export { wellKnownPath, wellKnownUrl } from './lib/well-known.js';
