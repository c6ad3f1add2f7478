import { z } from 'zod';
import { API_KEY_SCOPES, ROLES, VIAS } from './vocabulary.js';

/** The body of `POST /v1/auth/login`. */
export const LoginRequestSchema = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
export type LoginRequest = z.output<typeof LoginRequestSchema>;

/** `POST /v1/auth/login`: who logged in (the session itself travels in the HttpOnly cookie). */
export const LoginResponseSchema = z.object({ user_id: z.string(), org_id: z.string(), role: z.enum(ROLES) });
export type LoginResponse = z.output<typeof LoginResponseSchema>;

/** `GET /v1/me`: the caller, their org and what their credential may do. */
export const MeSchema = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string().nullable(), role: z.enum(ROLES) }),
  org: z.object({ id: z.string(), name: z.string(), user_level_data: z.boolean() }),
  scopes: z.array(z.enum(API_KEY_SCOPES)),
  via: z.enum(VIAS),
});
export type Me = z.output<typeof MeSchema>;
