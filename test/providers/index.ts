/** Every provider of the table, in the order of docs/recipes/README.md. */
import { audguardAs, saasPlatform } from './audguard-as.js';
import { auth0 } from './auth0.js';
import { cognito } from './cognito.js';
import { duende } from './duende.js';
import { entraMultiTenant, entraSingleTenant } from './entra.js';
import { keycloak } from './keycloak.js';
import { oidcProvider } from './oidc-provider.js';
import { okta } from './okta.js';
import type { Provider } from './table.js';

export const PROVIDERS: readonly Provider[] = [
  auth0,
  okta,
  entraSingleTenant,
  entraMultiTenant,
  keycloak,
  cognito,
  duende,
  oidcProvider,
  audguardAs,
  saasPlatform,
];
