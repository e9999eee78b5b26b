// powersync-jwt/issuing: key generation, signing and development tokens, in
// a wasm module of their own that the main entry point never loads. Errors are
// the main entry's ConfigError (and VerificationError), so `instanceof` works
// with the classes imported from 'powersync-jwt'.
import type { ClientAuth, JsonValue, Jwk, Jwks, TokenAlgorithm } from './index.js';

export interface GeneratedKeyPair {
  /** The given kid, or the RFC 7638 thumbprint of the public key. */
  kid: string;
  privateJwk: Jwk;
  /** For HS* keys, the secret itself (there is no public half). */
  publicJwk: Jwk;
  jwks: Jwks;
}

/** Generates a key pair; RSA generation takes seconds in pure Rust (see docs/performance.md). */
export function generateKeyPair(alg: TokenAlgorithm, options?: { kid?: string; modulusLength?: 2048 | 3072 | 4096 }): Promise<GeneratedKeyPair>;

/** Durations: seconds, or text such as '90', '15m', '12h', '1d'. */
export type Duration = number | string;

export interface SignOptions {
  expiresIn?: Duration;
  audience?: string | string[];
  subject?: string;
  /** Overrides the JWK's kid in the header. */
  kid?: string;
  /** Sign even what the PowerSync Service would reject. */
  allowInvalid?: boolean;
  /** The maximum lifetime your service is configured with (86400). */
  maxLifetimeSeconds?: Duration;
  /** The signing time (default: now). */
  now?: Date | number;
}

/** Signs a token; rejects with ConfigError (powersync-jwt's) a token the PowerSync Service would refuse unless allowInvalid. */
export function signToken(claims: { [claim: string]: JsonValue }, privateJwk: Jwk | string, options?: SignOptions): Promise<string>;

export interface DevTokenOptions {
  subject: string;
  audience: string | string[];
  /** An oct JWK; default: a new HS256 key. */
  key?: Jwk;
  /** Default 12h. */
  expiresIn?: Duration;
  /** kid of a new key; default 'powersync-dev'. */
  kid?: string;
  now?: Date | number;
}

/** A development token with the key and the client_auth section that accepts it. */
export function generateDevToken(options: DevTokenOptions): Promise<{ token: string; key: Jwk; clientAuth: ClientAuth; clientAuthYaml: string }>;
