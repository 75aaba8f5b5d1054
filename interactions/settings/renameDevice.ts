// Renaming an authenticator device from security info ("Work phone" → "Old phone"): the name
// the method is listed by and the app shows. Mounted by securityInfo.ts with one line.
import type { Context } from 'koa';
import { z } from 'zod';
import type { Audit } from '../../src/audit/audit.js';
import { HttpError } from '../../src/http/form.js';
import type { Credential, CredentialStore } from '../../src/store/types.js';

const renameForm = z.object({ name: z.string().trim().min(1).max(64) }).loose();

/** Methods whose device a person can name. */
export const renamable = (credential: Credential) => credential.method === 'push';

export async function renameDevice(ctx: Context, deps: { credentials: CredentialStore; audit: Audit; now: () => number }, credential: Credential, audit: Parameters<Audit['record']>[0]) {
  if (!renamable(credential)) throw new HttpError(400, 'That method has no device name to change.');
  const parsed = renameForm.safeParse(ctx.state.form);
  if (!parsed.success) throw new HttpError(400, 'Give the device a name of 1 to 64 characters.');
  const name = parsed.data.name;
  // Compare-and-set: a rename racing another keeps one of them whole.
  if (!(await deps.credentials.updateData(credential.id, credential.version, { ...credential.data, name }, deps.now()))) {
    throw new HttpError(409, 'The device changed meanwhile. Go back to security info and try again.');
  }
  await deps.audit.record({ ...audit, reason: `renamed to '${name}'` });
}
