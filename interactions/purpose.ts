// Why the person is asked to verify again: "My security info" names the change it is about to
// make (its own `twofold_purpose` parameter), and the sign-in pages say so. Only that built-in
// client is believed, and only for the sentences below.
import { accountClientId } from './settings/accountSession.js';
import type { Interaction } from './interaction.js';

export const purposeParam = 'twofold_purpose';

export const purposes = {
  'add-method': "To add a method, verify it's you.",
  'recovery-codes': "To make new recovery codes, verify it's you.",
  'app-passwords': "To change your app passwords, verify it's you.",
  'change-methods': "To change how you sign in, verify it's you.",
} as const;

export type Purpose = keyof typeof purposes;

export function purposeOf(interaction: Pick<Interaction, 'params'>): string | undefined {
  if (interaction.params.client_id !== accountClientId) return undefined;
  const purpose = interaction.params[purposeParam];
  return typeof purpose === 'string' && Object.hasOwn(purposes, purpose) ? purposes[purpose as Purpose] : undefined;
}
