// `pnpm start`: the authorization server and the MCP server, until Ctrl+C. Prints what an MCP client needs.
import { CLIENT_ID, DEFAULT_REDIRECT_URIS, portsFromEnv, startMcpStack } from './stack.js';

const stack = await startMcpStack({ ports: portsFromEnv() });
const [resource] = stack.resources;
console.log(`authorization server  ${stack.issuer}   (user alice, approved automatically)`);
console.log(`MCP server            ${resource}   (tools: read needs mcp:read, write needs mcp:write)`);
console.log(`pre-registered client ${CLIENT_ID} (public, PKCE), redirect URIs:`);
for (const uri of DEFAULT_REDIRECT_URIS) console.log(`                      ${uri}`);
console.log('\nPoint an MCP client at the MCP server URL with that client ID (see README.md). Ctrl+C stops.');

const stop = () => {
  stack.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
