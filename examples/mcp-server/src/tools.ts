// The MCP server itself: two tools over a shared notebook. Each tool names the scope it needs; the SDK checks it
// against AuthInfo.scopes (exact match), which audguard fills with the implied scopes expanded.
import type { AuthInfoExtra } from '@audguard/mcp';
import { McpServer, requireScopes, type ServerContext } from '@modelcontextprotocol/server';
import * as z from 'zod';

/** What the tools share across requests (the SDK builds one McpServer per HTTP request). */
export interface Notebook {
  notes: { text: string; author: string }[];
}

/** Who called, from the AuthInfo audguard produced (`toAuthInfo` puts the subject into `extra`). */
function caller(ctx: ServerContext): string {
  const extra = ctx.http?.authInfo?.extra as AuthInfoExtra | undefined;
  return extra?.subject ?? 'anonymous';
}

/** A fresh server for one request, over the shared notebook. */
export function notesServer(notebook: Notebook): McpServer {
  const server = new McpServer({ name: 'audguard-notes', version: '0.1.0' });
  server.registerTool(
    'read',
    {
      description: 'Lists the notes. Needs the mcp:read scope.',
      scopeChallenge: requireScopes('mcp:read'),
    },
    (ctx) => ({
      content: [
        {
          type: 'text',
          text: `${notebook.notes.length} note(s) for ${caller(ctx)}: ${JSON.stringify(notebook.notes)}`,
        },
      ],
    }),
  );
  server.registerTool(
    'write',
    {
      description: 'Adds a note. Needs the mcp:write scope.',
      inputSchema: z.object({ text: z.string().min(1).max(500) }),
      scopeChallenge: requireScopes('mcp:write'),
    },
    ({ text }, ctx) => {
      notebook.notes.push({ text, author: caller(ctx) });
      return { content: [{ type: 'text', text: `Saved note ${notebook.notes.length} by ${caller(ctx)}.` }] };
    },
  );
  return server;
}
