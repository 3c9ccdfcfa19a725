/**
 * Rendering a scenario to a compact JWS (see {@link renderToken}): resolving values against the verifier's clock,
 * writing the JSON in the scenario's style, applying the byte and encoding mutations, signing (or mis-signing) and
 * finally mutating the compact string.
 */

import type { JwsAlgorithm } from '@audguard/core';
import { hmacWith, ISSUER, type KeyMaterial, OTHER_ISSUER, type SigningKey, signWith } from './keys.js';
import {
  type BytesMutation,
  type Duplicate,
  type EncodingMutation,
  type Entry,
  type JsonStyle,
  type PostMutation,
  type Scenario,
  tolerance,
  type ValueSpec,
  type VerifierConfig,
} from './token-model.js';

/** The verifier's clock: a fixed whole second, plus the scenario's milliseconds. */
export const BASE_SECONDS = 1_750_000_000;

export interface RenderContext {
  readonly alg: JwsAlgorithm;
  readonly config: VerifierConfig;
  readonly keys: KeyMaterial;
  readonly nowMs: number;
}

export interface RenderedToken {
  readonly token: string;
  /** The algorithm the signature was actually made with (`undefined`: unsigned). */
  readonly signedAs: string | undefined;
  /** Length of the filler claim added to reach `size` (0 when none). */
  readonly filler: number;
  /** The key whose signature the token carries, if any (before post-signing mutations). */
  readonly signer: SigningKey | undefined;
}

function formatTime(seconds: number, format: 'plain' | 'exponent' | 'decimal'): string {
  if (format === 'exponent') return seconds.toExponential();
  if (format === 'decimal' && Number.isInteger(seconds)) return `${seconds}.0`;
  return String(seconds);
}

function resolveValue(
  value: ValueSpec,
  ctx: RenderContext,
  signer: SigningKey | undefined,
  alg: string,
  honestKid: string,
  issuer: string,
): string {
  if ('raw' in value) return value.raw;
  if ('ref' in value) {
    if (value.ref === 'iss') return JSON.stringify(issuer);
    return value.ref === 'alg' ? JSON.stringify(alg) : JSON.stringify(signer?.kid ?? honestKid);
  }
  const now = Math.floor(ctx.nowMs / 1000);
  const tol = tolerance(ctx.config);
  const anchor = value.time === 'now' ? now : value.time === 'lo' ? now - tol : now + tol;
  return formatTime(anchor + value.delta + value.frac, value.format);
}

const escapeNonAscii = (json: string) =>
  json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function serialize(members: Array<readonly [string, string]>, style: JsonStyle): string {
  const ordered = style === 'reversed' ? [...members].reverse() : members;
  const sep = style === 'spaced' ? ', ' : ',';
  const colon = style === 'spaced' ? ' : ' : ':';
  const body = ordered.map(([name, value]) => `${JSON.stringify(name)}${colon}${value}`).join(sep);
  const json = style === 'spaced' ? `{ ${body} }\n` : `{${body}}`;
  return style === 'escaped' ? escapeNonAscii(json) : json;
}

function members(
  base: Array<readonly [string, ValueSpec | undefined]>,
  extra: readonly Entry[],
  duplicates: readonly Duplicate[],
  resolve: (v: ValueSpec) => string,
): Array<readonly [string, string]> {
  const out: Array<readonly [string, string]> = [];
  for (const d of duplicates) if (d.first) out.push([d.name, resolve(d.value)]);
  for (const [name, value] of base) if (value !== undefined) out.push([name, resolve(value)]);
  for (const [name, value] of extra) out.push([name, resolve(value)]);
  for (const d of duplicates) if (!d.first) out.push([d.name, resolve(d.value)]);
  return out;
}

const utf8 = new TextEncoder();

function mutateBytes(json: string, mutation: BytesMutation): Uint8Array {
  switch (mutation.kind) {
    case 'none':
      return utf8.encode(json);
    case 'bom':
      return new Uint8Array([0xef, 0xbb, 0xbf, ...utf8.encode(json)]);
    case 'invalid-utf8': {
      const bytes = utf8.encode(json);
      const at = Math.floor(mutation.at * bytes.length);
      return new Uint8Array([...bytes.subarray(0, at), mutation.byte, ...bytes.subarray(at)]);
    }
    case 'latin1':
      return Uint8Array.from(
        [...json].flatMap((c) =>
          (c.codePointAt(0) ?? 0) > 0xffff ? [0x3f] : [(c.codePointAt(0) ?? 0) & 0xff],
        ),
      );
    case 'append':
      return utf8.encode(json + mutation.text);
    case 'replace':
      return utf8.encode(mutation.text);
    case 'truncate': {
      const bytes = utf8.encode(json);
      return bytes.subarray(0, Math.floor(mutation.at * bytes.length));
    }
  }
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Changes the unused low bits of the last character: decodes to the same bytes, but is not canonical. */
function nonCanonical(segment: string): string {
  const rest = segment.length % 4;
  if (rest === 0 || rest === 1) return segment;
  const last = segment[segment.length - 1] as string;
  const index = ALPHABET.indexOf(last);
  if (index < 0) return segment;
  const unused = rest === 2 ? 0b1111 : 0b11;
  const changed = ALPHABET[(index & ~unused) | ((index + 1) & unused)] as string;
  return segment.slice(0, -1) + changed;
}

function mutateEncoding(segment: string, mutation: EncodingMutation): string {
  switch (mutation.kind) {
    case 'none':
      return segment;
    case 'pad': {
      const needed = (4 - (segment.length % 4)) % 4;
      const count = mutation.count === -1 ? needed : needed + mutation.count;
      return segment + '='.repeat(Math.max(count, 0));
    }
    case 'non-canonical':
      return nonCanonical(segment);
    case 'std-alphabet':
      return segment.replace(/-/g, '+').replace(/_/g, '/');
    case 'insert': {
      const at = Math.floor(mutation.at * segment.length);
      return segment.slice(0, at) + mutation.text + segment.slice(at);
    }
  }
}

function mutatePost(token: string, mutation: PostMutation): string {
  const dot = token.lastIndexOf('.');
  const head = dot === -1 ? token : token.slice(0, dot);
  const sig = dot === -1 ? '' : token.slice(dot + 1);
  const sigBytes = () => Buffer.from(sig, 'base64url');
  switch (mutation.kind) {
    case 'flip-bit': {
      const bytes = sigBytes();
      if (bytes.length === 0) return token;
      const at = Math.min(bytes.length - 1, Math.floor(mutation.at * bytes.length));
      bytes[at] = (bytes[at] as number) ^ (1 << mutation.bit);
      return `${head}.${b64url(bytes)}`;
    }
    case 'truncate-signature':
      return `${head}.${sig.slice(0, Math.max(0, sig.length - mutation.chars))}`;
    case 'append-signature':
      return token + mutation.text;
    case 'signature-non-canonical':
      return `${head}.${nonCanonical(sig)}`;
    case 'signature-pad':
      return token + '='.repeat((4 - (sig.length % 4)) % 4 || 4);
    case 'signature-random': {
      // Deterministic "random" bytes of the right length: the scenario must replay exactly from its seed.
      const bytes = sigBytes();
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 151 + 7) & 0xff;
      return `${head}.${b64url(bytes)}`;
    }
    case 'signature-drop-first-byte':
      return `${head}.${b64url(sigBytes().subarray(1))}`;
    case 'signature-prepend-zero':
      return `${head}.${b64url(new Uint8Array([0, ...sigBytes()]))}`;
    case 'signature-empty':
      return `${head}.`;
    case 'segments':
      switch (mutation.shape) {
        case 'two':
          return head;
        case 'four':
          return `${token}.${sig}`;
        case 'five':
          return `${token}.${sig}.${sig}`;
        case 'leading-dot':
          return `.${token}`;
        case 'double-dot':
          return token.replace('.', '..');
      }
      return token;
    case 'truncate-token':
      return token.slice(0, Math.floor(mutation.at * token.length));
    case 'insert': {
      const at = Math.floor(mutation.at * token.length);
      return token.slice(0, at) + mutation.text + token.slice(at);
    }
    case 'wrap':
      return mutation.before + token + mutation.after;
    case 'swap-case': {
      const at = Math.min(token.length - 1, Math.floor(mutation.at * token.length));
      const c = token[at] ?? '';
      const swapped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return token.slice(0, at) + swapped + token.slice(at + 1);
    }
  }
}

/** The algorithm the header names, when it names one as a JSON string (last duplicate wins, as in JSON.parse). */
function headerAlg(scenario: Scenario, alg: JwsAlgorithm): string | undefined {
  let value: ValueSpec | undefined = scenario.header.alg;
  for (const d of scenario.header.duplicates) if (d.name === 'alg' && !d.first) value = d.value;
  if (value === undefined) return undefined;
  if ('ref' in value) return value.ref === 'alg' ? alg : undefined;
  if ('raw' in value) {
    try {
      const parsed: unknown = JSON.parse(value.raw);
      return typeof parsed === 'string' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * Renders `scenario` for a verifier guarding `ctx.alg` tokens. `substitute` maps signing-key ids to other keys and
 * `fixedFiller` reuses a filler length (the oracle re-signs a token with a twin key that way; see oracle.ts).
 */
export function renderToken(
  scenario: Scenario,
  ctx: RenderContext,
  substitute: ReadonlyMap<string, SigningKey> = new Map(),
  fixedFiller?: number,
): RenderedToken {
  const secondary = scenario.issuer === 'secondary';
  const issuer = secondary ? OTHER_ISSUER : ISSUER;
  const honest = (secondary ? ctx.keys.secondary.byAlg : ctx.keys.byAlg).get(ctx.alg) as SigningKey;
  let signer: SigningKey | undefined =
    scenario.signer.kind === 'honest'
      ? honest
      : scenario.signer.kind === 'key'
        ? ctx.keys.byId.get(scenario.signer.id)
        : undefined;
  if (signer && substitute.has(signer.id)) signer = substitute.get(signer.id);
  // The kid a token names is the signer's (after substitution, the twin carries the original kid).
  const algName = ctx.alg;
  const h = scenario.header;
  const headerJson = serialize(
    members(
      [
        ['alg', h.alg],
        ['typ', h.typ],
        ['kid', h.kid],
      ],
      h.extra,
      h.duplicates,
      (v) => resolveValue(v, ctx, signer, algName, honest.kid, issuer),
    ),
    scenario.headerStyle,
  );
  const p = scenario.payload;
  const base: Array<readonly [string, ValueSpec | undefined]> = [
    ['iss', p.iss],
    ['sub', p.sub],
    ['aud', p.aud],
    ['exp', p.exp],
    ['nbf', p.nbf],
    ['iat', p.iat],
    ['jti', p.jti],
    ['client_id', p.client_id],
    ['scope', p.scope],
    ['scp', p.scp],
    ...(Object.entries(p.provider) as Array<[string, ValueSpec | undefined]>),
  ];
  const payloadMembers = members(base, p.extra, p.duplicates, (v) =>
    resolveValue(v, ctx, signer, algName, honest.kid, issuer),
  );

  const sigAlg = headerAlg(scenario, ctx.alg) ?? ctx.alg;
  let signedAs: string | undefined;
  const assemble = (filler: number): string => {
    const withFiller: Array<readonly [string, string]> =
      filler > 0 ? [...payloadMembers, ['pad', JSON.stringify('x'.repeat(filler))]] : payloadMembers;
    const hSeg = mutateEncoding(
      b64url(mutateBytes(headerJson, scenario.headerBytes)),
      scenario.headerEncoding,
    );
    const pSeg = mutateEncoding(
      b64url(mutateBytes(serialize(withFiller, scenario.payloadStyle), scenario.payloadBytes)),
      scenario.payloadEncoding,
    );
    const input = `${hSeg}.${pSeg}`;
    const inputBytes = Buffer.from(input, 'latin1');
    let signature: Uint8Array | undefined;
    signedAs = undefined;
    if (scenario.signer.kind === 'confusion') {
      const secret = ctx.keys.confusionSecrets[scenario.signer.secret] as Uint8Array;
      signature = hmacWith(sigAlg, secret, inputBytes);
      signedAs = 'HMAC';
    } else if (signer) {
      // Sign with the algorithm the header names when the key can; else with the key's own algorithm (a mismatch).
      for (const candidate of [sigAlg, ctx.alg, signer.defaultAlg]) {
        signature = signWith(candidate, signer, inputBytes);
        if (signature) {
          signedAs = candidate;
          break;
        }
      }
    }
    return `${input}.${signature ? b64url(signature) : ''}`;
  };

  let filler = fixedFiller ?? 0;
  let token = assemble(filler);
  if (fixedFiller === undefined && scenario.size !== undefined && token.length < scenario.size) {
    // The shortest filler claim that brings the token to the target length (exactly, when base64url allows it).
    let lo = 1;
    let hi = scenario.size;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (assemble(mid).length >= scenario.size) hi = mid;
      else lo = mid + 1;
    }
    filler = lo;
    token = assemble(filler);
  }
  for (const mutation of scenario.post) token = mutatePost(token, mutation);
  return { token, signedAs, filler, signer };
}
