/** The provider table in the core: `verifier.authenticate(request)` and `verifier.verify(token)`. */
import { PROVIDERS } from './index.js';
import { runCoreCases } from './table.js';

runCoreCases(PROVIDERS);
