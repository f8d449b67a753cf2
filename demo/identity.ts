/**
 * Verified customers: the site's server signs who its logged-in customer is (an HS256 JWT with `sub`, `exp`,
 * an audience, and optional `name` and `email`), the widget passes the token on, and this checks it with
 * `jose` against `IDENTITY_SECRET`. Each refusal says what the site must fix.
 */
import { decodeJwt, errors, jwtVerify } from 'jose';

/** The audience a token must name when `IDENTITY_AUDIENCE` is not set. */
export const DEFAULT_IDENTITY_AUDIENCE = 'natter';
/** The shortest secret accepted: 32 bytes, as HS256 needs for its full strength. */
export const MIN_SECRET_BYTES = 32;
/** How far the site's clock and ours may disagree about `exp` (seconds). */
export const CLOCK_TOLERANCE_S = 30;

export interface IdentityOptions {
  secret: string;
  /** Default {@link DEFAULT_IDENTITY_AUDIENCE}. */
  audience?: string;
}

/** The customer a valid token vouches for. */
export interface VerifiedCustomer {
  id: string;
  name?: string;
  email?: string;
}

export type Verdict = { ok: true; customer: VerifiedCustomer } | { ok: false; message: string };

/** Why a secret cannot be used, or `undefined` when it can. */
export function secretProblem(secret: string): string | undefined {
  const bytes = Buffer.byteLength(secret, 'utf8');
  if (bytes >= MIN_SECRET_BYTES) return undefined;
  return `IDENTITY_SECRET must be at least ${MIN_SECRET_BYTES} bytes long (it has ${bytes}); generate one with \`openssl rand -base64 48\` and give the same value to your site's server.`;
}

/**
 * `IDENTITY_SECRET` and `IDENTITY_AUDIENCE` as both backends read them: `undefined` without a secret;
 * throws a NATTER_CONFIG error for a secret too short, or an audience without a secret.
 */
export function identityFromEnv(env: NodeJS.ProcessEnv): IdentityOptions | undefined {
  const configError = (message: string): Error => Object.assign(new Error(message), { code: 'NATTER_CONFIG' });
  if (env.IDENTITY_SECRET !== undefined && env.IDENTITY_SECRET !== '') {
    const problem = secretProblem(env.IDENTITY_SECRET);
    if (problem) throw configError(`${problem} Natter does not start with a secret that short.`);
    return { secret: env.IDENTITY_SECRET, ...(env.IDENTITY_AUDIENCE && { audience: env.IDENTITY_AUDIENCE }) };
  }
  if (env.IDENTITY_AUDIENCE) throw configError('IDENTITY_AUDIENCE is set but IDENTITY_SECRET is not: set both to verify your customers, or neither.');
  return undefined;
}

export class IdentityVerifier {
  readonly audience: string;
  readonly #key: Uint8Array;

  constructor(options: IdentityOptions) {
    const problem = secretProblem(options.secret);
    if (problem) throw new Error(problem);
    this.#key = new TextEncoder().encode(options.secret);
    this.audience = options.audience ?? DEFAULT_IDENTITY_AUDIENCE;
  }

  /** Checks signature, algorithm, expiry (with {@link CLOCK_TOLERANCE_S}), audience and the claims' shapes. */
  async verify(token: string): Promise<Verdict> {
    const fix = (what: string): Verdict => ({ ok: false, message: `The identity token was refused: ${what}. The customer goes on anonymously.` });
    try {
      const { payload } = await jwtVerify(token, this.#key, {
        algorithms: ['HS256'],
        audience: this.audience,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp'],
      });
      const { sub, name, email } = payload;
      if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) return fix('"sub" must be the user\'s id, 1–128 characters');
      if (name !== undefined && (typeof name !== 'string' || name.length > 200)) return fix('"name" must be a text of at most 200 characters');
      if (email !== undefined && (typeof email !== 'string' || email.length > 200 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))) {
        return fix('"email" must be an email address');
      }
      return { ok: true, customer: { id: sub, ...(name !== undefined && { name }), ...(email !== undefined && { email }) } };
    } catch (error) {
      if (error instanceof errors.JWTExpired) return fix('it has expired; sign a fresh one for each page (a few minutes\' lifetime) and pass it to Natter.identify');
      if (error instanceof errors.JWTClaimValidationFailed) {
        if (error.claim === 'aud') return fix(`its audience ("aud") must be "${this.audience}" (IDENTITY_AUDIENCE)`);
        return fix(`its "${error.claim}" claim is missing or invalid; sign it with "sub" (the user's id) and "exp"`);
      }
      if (error instanceof errors.JWSSignatureVerificationFailed) return fix('its signature does not match; sign it with HS256 and the same secret as IDENTITY_SECRET');
      if (error instanceof errors.JOSEAlgNotAllowed) return fix('it must be signed with HS256');
      return fix('it is not a valid JWT (three base64url parts, signed with HS256 and IDENTITY_SECRET)');
    }
  }
}

/** The `sub` a token claims, unchecked (to tell an old token of the same customer from a wrong one). */
export function claimedSubject(token: string): string | undefined {
  try {
    const { sub } = decodeJwt(token);
    return typeof sub === 'string' ? sub : undefined;
  } catch {
    return undefined;
  }
}
