import { describe, expect, it } from 'vitest';
import { redirectUriProblem } from './client-metadata.js';
import { clientIdUrlProblem } from './metadata-document.js';

describe('redirect URIs of self-service clients, by application_type (OIDC Registration §2, RFC 8252 §7)', () => {
  it.each<[string, 'web' | 'native', boolean]>([
    ['https://app.example.com/cb', 'web', true],
    ['https://app.example.com/cb', 'native', true],
    ['http://app.example.com/cb', 'web', false],
    ['http://app.example.com/cb', 'native', false],
    ['https://localhost/cb', 'web', false],
    ['https://127.0.0.1/cb', 'web', false],
    ['https://dev.localhost/cb', 'web', false],
    ['http://127.0.0.1:53682/callback', 'native', true],
    ['http://[::1]:53682/callback', 'native', true],
    ['http://localhost:3000/callback', 'native', true],
    ['http://127.0.0.1:53682/callback', 'web', false],
    ['com.example.app:/oauth2redirect', 'native', true],
    ['cursor://anysphere.cursor-mcp/oauth/callback', 'native', true],
    ['com.example.app:/oauth2redirect', 'web', false],
    ['javascript:alert(1)', 'native', false],
    ['data:text/html,x', 'native', false],
    ['file:///etc/passwd', 'native', false],
    ['https://user:pw@app.example.com/cb', 'web', false],
    ['https://app.example.com/cb#frag', 'web', false],
    [`https://app.example.com/${'a'.repeat(2000)}`, 'web', false],
  ])('%s as %s: %s', (uri, type, accepted) => {
    expect(redirectUriProblem(uri, type) === undefined).toBe(accepted);
  });
});

describe('Client Identifier URLs (draft §3)', () => {
  it.each<[string, boolean]>([
    ['https://app.example.com/client.json', true],
    ['https://app.example.com:8443/oauth/client', true],
    ['https://app.example.com/client.json?v=2', true],
    ['https://app.example.com/', false],
    ['https://app.example.com', false],
    ['http://app.example.com/client.json', false],
    ['https://app.example.com/client.json#x', false],
    ['https://u@app.example.com/client.json', false],
    ['https://app.example.com/./client.json', false],
    ['https://app.example.com/a/../client.json', false],
    ['https://App.example.com/client.json', false],
    ['https://app.example.com:443/client.json', false],
    ['https://app.example.com/a b', false],
  ])('%s: %s', (url, valid) => {
    expect(clientIdUrlProblem(url) === undefined).toBe(valid);
  });
});
