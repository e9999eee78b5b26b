// Types for powersync-jwt.

/** PowerSync error codes a verification can end with. */
/** S2204: a remote key set could not be fetched or read (reported when no key matched). */
export type VerificationCode = 'PSYNC_S2101' | 'PSYNC_S2103' | 'PSYNC_S2104' | 'PSYNC_S2105' | 'PSYNC_S2106' | 'PSYNC_S2204';

/** Stable, finer reasons. Several share one PowerSync code. */
export type VerificationReason =
  | 'authentication_required'
  | 'key_source_failed'
  | 'malformed'
  | 'token_too_large'
  | 'crit_unsupported'
  | 'alg_not_allowed'
  | 'alg_mismatch'
  | 'key_not_found'
  | 'key_rejected'
  | 'key_unusable'
  | 'signature_invalid'
  | 'claim_missing'
  | 'claim_invalid'
  | 'token_not_yet_valid'
  | 'token_expired'
  | 'lifetime_exceeded'
  | 'audience_missing'
  | 'audience_mismatch'
  | 'parameters_invalid'
  | 'issued_in_future'
  | 'issuer_not_allowed'
  | 'type_not_allowed'
  | 'duplicate_member';

/** A token was refused. `message` is the PowerSync Service's text for the same case. */
export class VerificationError extends Error {
  readonly name: 'VerificationError';
  readonly code: VerificationCode;
  readonly reason: VerificationReason;
  /** Extra context not in the service's message (which part was malformed, ...). */
  readonly detail?: string;
  /**
   * The PowerSync Service's own hint for this refusal, word for word (what it
   * logs as `configurationDetails`): the known keys when none matched, the
   * matched key when its algorithm differs, the allowed audiences, or the
   * likely Supabase misconfiguration. Absent where the service gives none.
   */
  readonly configurationDetails?: string;
}

/** Configuration error codes. */
export type ConfigCode = 'PSYNC_S2201' | 'PSYNC_S2202' | 'PSYNC_S2203' | 'PSYNC_S3102' | 'PSYNC_S3103';

/** The keys or options cannot be used. */
export class ConfigError extends Error {
  readonly name: 'ConfigError';
  readonly code: ConfigCode;
  /** Index of the offending key in `jwks.keys`, when the error is about one key. */
  readonly keyIndex?: number;
  /** The member or option at fault. */
  readonly field?: string;
}

/** A JSON Web Key, as published in a JWKS or written in powersync.yaml. */
export interface Jwk {
  kty: string;
  kid?: string | null;
  alg?: string;
  use?: string;
  key_ops?: string[];
  [member: string]: unknown;
}

export interface Jwks {
  keys: Jwk[];
}

/** The `client_auth` section of powersync.yaml (snake_case, as the service reads it). */
export interface ClientAuth {
  jwks?: Jwks;
  /** Remote key sets, fetched and cached as the service does. */
  jwks_uri?: string | string[];
  audience?: string[];
  supabase?: boolean;
  supabase_jwt_secret?: string;
  jwks_reject_ip_ranges?: string[];
  block_local_jwks?: boolean;
  additional_audiences?: string[];
  allow_temporary_tokens?: boolean;
}

/** Options beside what powersync.yaml holds. */
export interface VerifierOptions {
  /** The Supabase project's asymmetric keys (with `supabase: true`): `<ref>.supabase.co`'s JWKS. */
  supabaseProjectRef?: string;
  /** Or the Supabase JWKS URL itself. */
  supabaseJwksUri?: string;
  /** The fetch used for JWKS URLs (tests, proxies, auth headers). Default: globalThis.fetch. */
  fetch?: (input: string, init: { method: 'GET'; headers: Record<string, string>; redirect: 'manual'; signal: AbortSignal }) => Promise<Response>;
  /** Milliseconds since the epoch, for the key cache (and the default `now`). Default: Date.now. */
  clock?: () => number;
  /** Whole-request timeout for a JWKS fetch. Default 30000. */
  fetchTimeoutMs?: number;
  /** Largest JWKS response accepted. Default 1 MiB. */
  maxResponseBytes?: number;
  /** Maximum `exp - iat` for keys without their own limit. Default 86400. */
  maxLifetimeSeconds?: number;
  /** Longest token accepted, in bytes. Default 65536. */
  maxTokenBytes?: number;
  /** Checks the service does not make: future `iat`, `typ` other than JWT, repeated JSON members. */
  strict?: boolean;
  /** When set, `iss` must be one of these. */
  issuers?: string[];
  /**
   * The verified-token cache (default on, 1000 tokens): successful results by whole token,
   * re-checked against the time claims and the key generation on every hit.
   */
  cache?: boolean | { maxEntries?: number };
  /**
   * Fail fast: what would otherwise be a configuration warning (see
   * `PowerSyncVerifier.warnings`) throws ConfigError instead. Default false.
   */
  strictConfig?: boolean;
}

/** `new PowerSyncVerifier(options)`: camelCase keys and options. */
export interface PowerSyncVerifierInit extends VerifierOptions {
  jwks?: Jwks;
  jwksUri?: string | string[];
  /** CIDR ranges, or 'local', that JWKS URLs must not point at (the host as `new URL()` reads it). */
  rejectIpRanges?: string[];
  /** 'local' plus no IPv6 literals. */
  blockLocalJwks?: boolean;
  audience?: string | string[];
  supabaseJwtSecret?: string;
}

/** The algorithms a token may use (the PowerSync Service's list). */
export type TokenAlgorithm = 'HS256' | 'HS384' | 'HS512' | 'RS256' | 'RS384' | 'RS512' | 'ES256' | 'ES384' | 'ES512' | 'EdDSA';

/** Key types (`kty`) of loaded keys. */
export type KeyType = 'RSA' | 'EC' | 'OKP' | 'oct';

/** Curves (`crv`) of loaded EC and OKP keys; secp256k1, X25519 and X448 keys load but never verify. */
export type Curve = 'P-256' | 'P-384' | 'P-521' | 'secp256k1' | 'Ed25519' | 'Ed448' | 'X25519' | 'X448';

export interface VerifyOptions {
  /** The time to verify at: a Date or unix seconds. Default: now. */
  now?: Date | number;
  /** Keeps background key refreshes alive after the response (a Worker's `ctx.waitUntil`). */
  waitUntil?: (promise: Promise<unknown>) => void;
}

/** One remote key set's state. Times are milliseconds since the epoch. */
export interface KeySourceStatus {
  /** The URL fetched: the WHATWG parser's `href` of the configured one. */
  url: string;
  keys: number;
  rejected: number;
  fetches: number;
  lastFetch: number | null;
  lastError: string | null;
  nextRefresh: number | null;
  expiresAt: number | null;
  fetching: boolean;
}

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * A verified token. Frozen; with the cache on (the default) its claims are
 * frozen too, since a hit returns the same object to every caller. `header`
 * is parsed on first use; JSON.stringify gives every member.
 */
export interface VerifiedToken {
  /** The `sub` claim as in the token (any JSON type). */
  readonly sub: JsonValue;
  /** What sync rules see as `user_id`; null when `sub` is null. */
  userId: string | null;
  /** Every claim, as JSON.parse reads the payload. */
  claims: { [claim: string]: JsonValue };
  header: { alg: TokenAlgorithm; kid?: string; [member: string]: JsonValue | undefined };
  /** The `parameters` claim; an empty object when absent or null. */
  parameters: { [key: string]: JsonValue };
  /** `exp`, in unix seconds. */
  expiresAt: number;
  alg: TokenAlgorithm;
  /** The key that verified the token (a numeric kid of a fetched set as its text, `String(kid)`). */
  key: { kid: string | null; alg: TokenAlgorithm | null; kty: KeyType; thumbprint: string };
}

export interface KeyInfo {
  /** A number only for a fetched key with a numeric kid (matched as the service's `==` does). */
  kid: string | number | null;
  kty: KeyType;
  alg: string | null;
  crv: Curve | null;
  /** RSA modulus length. */
  bits: number | null;
  /** RFC 7638 SHA-256 thumbprint, base64url. */
  thumbprint: string;
  use: string | null;
}

export interface RejectedKey {
  /** Position in `keys`. */
  index: number;
  kid: string | null;
  field: string | null;
  reason: string;
  /** True when a rule excluded the key on purpose (`use: "enc"`, ...), false when it was invalid. */
  skipped: boolean;
}

export interface KeySetReport {
  keys: KeyInfo[];
  rejected: RejectedKey[];
}

/** Codes of configuration warnings (see `ConfigWarning`). */
export type ConfigWarningCode = 'supabase_secret_ignored' | 'key_never_verifies' | 'key_material_lenient';

/**
 * Something the configuration holds that the PowerSync Service starts with
 * but ignores, or loads and can never use.
 */
export interface ConfigWarning {
  /**
   * `supabase_secret_ignored`: `supabase_jwt_secret` without `supabase: true` (no key is made);
   * `key_never_verifies`: a key every token using it is refused for (RSA under 2048 bits,
   * secp256k1, X25519/X448, an `alg` no token uses); `key_material_lenient`: key material read
   * by skipping characters outside base64url (white space, text after `=`), as the service does.
   */
  code: ConfigWarningCode;
  /** Index in `jwks.keys`, when about one key. */
  keyIndex: number | null;
  field: string | null;
  message: string;
}

/** `verifier.describeKeys()`: the keys, those not loaded, and the configuration's warnings. */
export interface VerifierKeyReport extends KeySetReport {
  warnings: readonly ConfigWarning[];
}

/** Parameters of each provider preset; `baseUrl` replaces the preset's scheme and host (tests, proxies). */
export interface ProviderParams {
  supabase: { projectRef?: string; jwtSecret?: string; baseUrl?: string };
  firebase: { projectId: string; checkIssuer?: boolean; baseUrl?: string };
  auth0: { domain: string; audience: string | string[]; baseUrl?: string };
  clerk: { frontendApi: string; audience: string | string[]; baseUrl?: string };
  stytch: { projectId: string; live?: boolean; audience?: string | string[]; baseUrl?: string };
  keycloak: { url: string; realm: string; audience: string | string[] };
  cognito: { region: string; userPoolId: string; audience: string | string[]; baseUrl?: string };
  'azure-ad': { tenantId: string; audience: string | string[]; baseUrl?: string };
  google: { audience: string | string[]; baseUrl?: string };
  supertokens: { apiDomain: string; apiBasePath?: string; audience: string | string[] };
  workos: { clientId: string; audience?: string | string[]; baseUrl?: string };
  custom: { jwksUri: string; audience: string | string[] };
}

export class PowerSyncVerifier {
  constructor(options: PowerSyncVerifierInit);
  /** A preset for one of the providers in the PowerSync documentation. */
  static forProvider<P extends keyof ProviderParams>(provider: P, params: ProviderParams[P], options?: PowerSyncVerifierInit): PowerSyncVerifier;
  /** From the `client_auth` object of powersync.yaml, as-is. */
  static fromClientAuth(clientAuth: ClientAuth | string, options?: VerifierOptions): PowerSyncVerifier;
  /** Rejects with VerificationError. */
  verify(token: string, options?: VerifyOptions): Promise<VerifiedToken>;
  /**
   * Throws VerificationError. Outside Node an RS*, PS*, ES* or EdDSA signature is checked
   * by the pure-Rust module: until `ready()` loaded it, such a check throws an Error with
   * `code: 'ERR_POWERSYNC_JWT_NOT_READY'` (HMAC needs nothing).
   */
  verifySync(token: string, options?: VerifyOptions): VerifiedToken;
  /** Verifies the token of an Authorization header value ("Bearer <jwt>" or "Token <jwt>"); otherwise PSYNC_S2106. */
  verifyAuthorization(header: string | null | undefined, options?: VerifyOptions): Promise<VerifiedToken>;
  /** Verifies the Authorization header of a Fetch API Request or a Node.js IncomingMessage. */
  verifyRequest(
    request: { headers: { get(name: string): string | null } } | { headers: { authorization?: string | string[] } },
    options?: VerifyOptions,
  ): Promise<VerifiedToken>;
  describeKeys(): VerifierKeyReport;
  /** What the configuration holds that the service ignores or can never use (frozen; empty when clean). */
  readonly warnings: readonly ConfigWarning[];
  /** Verifies and explains: the service's checks in order, each pass / fail / not_reached. Never rejects with VerificationError. */
  explain(token: string, options?: VerifyOptions): Promise<Explanation>;
  /**
   * Fetches every remote key set now, and loads what `verifySync` needs for the keys at hand
   * (outside Node, the pure-Rust signature module for any key but an HMAC secret).
   */
  ready(): Promise<KeySourceStatus[]>;
  keySources(): KeySourceStatus[];
  /** The fetched key sets as text, to keep between isolates (Workers KV, Cache API). */
  exportKeyCache(): string;
  /** Restores exportKeyCache() output; returns how many sources took it (older, expired or unusable entries are ignored). Throws ConfigError for text that is not a version 1 export. */
  importKeyCache(text: string): number;
}

export type JwsAlgorithm = TokenAlgorithm | 'PS256' | 'PS384' | 'PS512';

/** Parses a JWK Set or one JWK. `rules`: 'generic' (default), 'remote' (as a jwks_uri document), 'inline' (as client_auth.jwks). */
export function parseJwks(jwks: Jwks | Jwk | string, options?: { rules?: 'generic' | 'remote' | 'inline' }): KeySetReport;

/**
 * Verifies a generic compact JWS (RFC 7515); no claim checks. Synchronous: outside Node an
 * asymmetric signature needs `await ready()` first (else ERR_POWERSYNC_JWT_NOT_READY).
 */
export function verifyJws(
  compact: string,
  jwkOrJwks: Jwk | Jwks | string,
  options?: { algorithms?: JwsAlgorithm[] },
): { header: { [member: string]: JsonValue }; payload: Uint8Array; alg: JwsAlgorithm; keyIndex: number };

/**
 * Loads the pure-Rust signature module: what the runtime's WebCrypto cannot check (Ed448,
 * a key it refuses) and every synchronous asymmetric check outside Node (verifySync,
 * verifyJws, verifySignature). verify() loads it by itself when it needs it.
 */
export function ready(): Promise<void>;

/** Decodes a token WITHOUT verifying it. Never use the result for access decisions. */
export function decodeUnverified(token: string): { header: { [member: string]: JsonValue }; payload: JsonValue };

/** The service's checks, in its order, as `explain()` names them; `strict` is this library's. */
export type CheckName = 'format' | 'algorithm' | 'key' | 'signature' | 'payload' | 'required claims' | 'iat and nbf' | 'expiry' | 'audience' | 'lifetime' | 'parameters' | 'strict';

/** One of the service's checks, as `explain()` reports it. */
export interface Check {
  name: CheckName;
  description: string;
  status: 'pass' | 'fail' | 'not_reached';
  /** The message and detail, for the failing check. */
  reason: string;
}

export interface Explanation {
  valid: boolean;
  checks: Check[];
  result?: VerifiedToken;
  error?: VerificationError;
}

/** Reads powersync.yaml text (the YAML subset such files use); `env` resolves `!env NAME`. */
export function parsePowerSyncYaml(text: string, env?: { [name: string]: string | undefined }): JsonValue;

/**
 * A raw signature check (no token): 'host' is node:crypto in Node and the pure-Rust module
 * elsewhere, 'rust' the pure-Rust module (outside Node, after `await ready()`; else
 * ERR_POWERSYNC_JWT_NOT_READY). HMAC is checked by the core.
 */
export function verifySignature(alg: JwsAlgorithm, publicJwk: Jwk | string, data: Uint8Array, signature: Uint8Array, options?: { backend?: 'host' | 'rust' }): boolean;
/** The same check through crypto.subtle (what browsers, Workers and Deno use for RS*, PS*, ES* and Ed25519), the pure-Rust module (loaded on first need) for what it cannot check. */
export function verifySignature(alg: JwsAlgorithm, publicJwk: Jwk | string, data: Uint8Array, signature: Uint8Array, options: { backend: 'webcrypto' }): Promise<boolean>;
