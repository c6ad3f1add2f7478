import type { ApiKeyScope, Principal } from '../../auth/principal.js';

/*
 * Every route declares who may call it; one hook (`authorize.ts`) enforces the declaration, so a route
 * cannot forget a check and a new route is covered by the authorization matrix automatically.
 */

/** How the caller must authenticate: an API key, the console session, either, or not at all. */
export type Via = 'key' | 'session' | 'either' | 'none';

/** Which error shape a route's errors take on the wire (the native one, or a vendor's). */
export type Surface = 'native' | 'gumloop' | 'langdock' | 'agentbot' | 'humanloop';

/** A route's access declaration. */
export interface RouteAccess {
  readonly via: Via;
  /** Scopes the credential must carry (a session carries what its role allows). */
  readonly scopes?: readonly ApiKeyScope[];
  /** The caller must act as an org admin (admin role AND admin scope). */
  readonly admin?: boolean;
  /** Counted against the per-caller export rate limit (RateLimit-* headers on every answer). */
  readonly rateLimit?: 'exports';
  /** Refuse requests a browser makes on behalf of a page (vendor APIs meant for servers). */
  readonly refuseBrowser?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call this route; required on every route (checked when routes are added). */
    access?: RouteAccess;
    /** Error shape of this route's answers; default native. */
    surface?: Surface;
  }
  interface FastifyRequest {
    /** The authenticated caller, set by the edge for routes whose access is not `none`. */
    principal?: Principal;
  }
}

/** Shorthands for the common declarations. */
export const ACCESS = {
  public: { via: 'none' },
  signedIn: { via: 'either' },
  exports: { via: 'either', scopes: ['export'], rateLimit: 'exports' },
  // History and one export's status: the console keeps them open (polled each second, 304 when nothing
  // changed) and \`sluice exports watch\` follows an export twice a second; counting those cheap indexed
  // reads would spend the caller's export budget (120/min) on watching. Creating, cancelling, deleting
  // and downloading still count.
  exportReads: { via: 'either', scopes: ['export'] },
  admin: { via: 'either', admin: true },
} as const satisfies Record<string, RouteAccess>;
