// The admin API's request shapes: one zod schema per body or query, used to validate every
// request (API and console forms alike) and to generate /admin/api/openapi.json.
import { z } from 'zod';
import { groupSchema, newAccountSchema } from '../accounts/validate.js';
import { bypassMinutes } from '../mfa/bypasses.js';

export const createUserBody = newAccountSchema.extend({
  password: z.string().min(1, 'is required').max(1024),
}).strict().meta({ id: 'CreateUser', description: 'A new account. The password follows the same rules as `twofold user add`.' });

export const updateUserBody = z.object({
  displayName: z.string().trim().min(1).max(128, 'must be at most 128 characters').nullable().optional(),
  email: z.email('must be an email address such as alice@example.com').max(254).nullable().optional(),
  emailVerified: z.boolean().optional(),
  phone: z.string().transform((value) => value.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an international number starting with + and the country code, such as +1 555 444 5555'))
    .nullable().optional(),
  phoneVerified: z.boolean().optional(),
  disabled: z.boolean().optional(),
  groups: z.array(groupSchema).max(100).optional(),
}).strict().meta({ id: 'UpdateUser', description: 'The fields to change; those left out stay as they are. null removes a value.' });

export const bypassBody = z.object({
  minutes: z.number().int('must be a whole number').min(bypassMinutes.min, `must be from ${bypassMinutes.min} to ${bypassMinutes.max}`)
    .max(bypassMinutes.max, `must be from ${bypassMinutes.min} to ${bypassMinutes.max}`).default(bypassMinutes.default),
}).strict().meta({ id: 'IssueBypass', description: `A one-time bypass: the next sign-in within this many minutes skips the second factor (default ${bypassMinutes.default}, at most ${bypassMinutes.max}).` });

export const signInResults = ['success', 'mfa-failed', 'blocked'] as const;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2026-01-31');
export const logQuery = z.object({
  user: z.string().max(128).optional(),
  application: z.string().max(128).optional(),
  result: z.enum(signInResults).optional(),
  method: z.string().max(32).optional(),
  rule: z.string().max(256).optional(),
  from: day.optional(),
  to: day.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
}).strict().meta({ id: 'SignInLogQuery', description: 'Filters for the sign-in log; dates are whole UTC days, `to` included.' });

const uri = z.string().max(2000);
export const createApplicationBody = z.object({
  clientId: z.string().min(1, 'is required').max(128),
  name: z.string().trim().min(1).max(128).optional(),
  public: z.boolean().default(false),
  firstParty: z.boolean().default(false),
  legacy: z.boolean().default(false),
  redirectUris: z.array(uri).max(50).default([]),
}).strict().meta({ id: 'CreateApplication', description: 'A relying party, with the same checks as `twofold client add`. A confidential client\'s secret is in the answer, once.' });

export const updateApplicationBody = z.object({
  name: z.string().trim().min(1).max(128).nullable().optional(),
  redirectUris: z.array(uri).max(50).optional(),
  postLogoutRedirectUris: z.array(uri).max(50).optional(),
  firstParty: z.boolean().optional(),
  legacy: z.boolean().optional(),
}).strict().meta({ id: 'UpdateApplication', description: 'The fields to change; those left out stay as they are.' });

export const assignTokenBody = z.object({
  serial: z.string().min(1, 'is required').max(64),
  username: z.string().min(1, 'is required').max(128),
}).strict().meta({ id: 'AssignToken', description: 'Give a hardware token in stock to a person, who activates it with its serial and a code.' });

export const importTokensBody = z.object({
  format: z.enum(['csv', 'pskc']),
  file: z.string().min(1, 'is required').max(1_000_000),
  fileName: z.string().max(200).optional(),
  type: z.enum(['totp', 'hotp']).optional(),
  secretFormat: z.enum(['auto', 'base32', 'hex']).default('auto'),
  preSharedKey: z.string().max(128).optional(),
}).strict().meta({ id: 'ImportTokens', description: 'A vendor\'s CSV or PSKC file (its text), with the same rules as `twofold oath import`: all tokens or none.' });

export type CreateUserBody = z.infer<typeof createUserBody>;
export type UpdateUserBody = z.infer<typeof updateUserBody>;
export type LogQuery = z.infer<typeof logQuery>;
