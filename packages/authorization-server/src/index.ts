export type {
  ClientIdMetadataDocumentOptions,
  ClientPolicy,
  ClientRegistrationOptions,
} from './client-options.js';
export type {
  AttemptLimits,
  AuthorizationServerConfig,
  ClientConfig,
  DpopConfig,
  GrantType,
  ResourceConfig,
  SigningAlgorithm,
  UserConfig,
} from './config.js';
export { DEFAULTS } from './defaults.js';
export { ConfigurationError } from './errors.js';
export { type KeyStore, MemoryKeyStore, type StoredSigningKey } from './key-store.js';
export { generateSigningKey, KeyRing, type SigningKey } from './keys.js';
export { type HashPasswordOptions, hashPassword } from './passwords.js';
export type { AuthorizationServer, ListeningServer } from './server.js';
export { createAuthorizationServer } from './server.js';
export { CONFIG_OPTION_NAMES } from './settings.js';
export type { MemoryStoreOptions, Store } from './store.js';
export { MemoryStore } from './store.js';
