/**
 * @audguard/mcp — audguard for MCP servers built with the official TypeScript SDK (v2): `mcpTokenVerifier()` for
 * the SDK's bearer gate, `toAuthInfo()` for the SDK's `AuthInfo` (implied scopes expanded), and
 * `protectedResourceMetadataHandler()` for the RFC 9728 document at both well-known URLs MCP clients try.
 *
 * @packageDocumentation
 */
export {
  type AccessToken,
  createVerifier,
  protectedResourceMetadataUrl,
  type Verifier,
  type VerifierOptions,
} from '@audguard/core';
export { type AuthInfoExtra, type AuthInfoOptions, toAuthInfo } from './auth-info.js';
export { type McpProtectedResourceOptions, protectedResourceMetadataHandler } from './metadata.js';
export { type McpTokenVerifierOptions, mcpTokenVerifier } from './token-verifier.js';
