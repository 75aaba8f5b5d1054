// Brings a parsed token file into the inventory, all or nothing: every problem in the file, a
// serial seen twice or already known, a person who does not exist or would hold more than five
// tokens, rejects the whole file with each line's reason. Each token imported is audited.
import { normalizeUsername } from '../../../accounts/validate.js';
import type { Audit } from '../../../audit/audit.js';
import type { AccountStore, CredentialStore, NewInventoryToken, TokenInventoryStore } from '../../../store/types.js';
import { InvalidInputError } from '../../../validation.js';
import { oathMethod, tokensHeld, tokensPerPerson } from '../index.js';
import type { Parsed } from './importedToken.js';

export interface ImportDeps {
  accounts: Pick<AccountStore, 'findByUsername'>;
  credentials: CredentialStore;
  tokens: TokenInventoryStore;
  audit: Audit;
}

export async function importTokens(deps: ImportDeps, file: string, parsed: Parsed, actor: string): Promise<{ imported: number; assigned: number }> {
  const problems = [...parsed.problems];
  const firstSeen = new Map<string, string>();
  const accounts = new Map<string, { id: string; username: string; held: number } | null>();
  const owners: (string | null)[] = [];
  for (const token of parsed.tokens) {
    const problem = (message: string) => problems.push(`${token.where}: ${message}`);
    const earlier = firstSeen.get(token.serial);
    if (earlier) problem(`serial ${token.serial} appears again (first at ${earlier})`);
    else firstSeen.set(token.serial, token.where);
    const stocked = await deps.tokens.get(oathMethod, token.serial);
    const active = await deps.credentials.findByExternalId(oathMethod, token.serial);
    if (stocked || active) problem(`serial ${token.serial} is already ${active ? 'activated by someone' : 'in the inventory'}: a duplicate serial is refused`);
    let owner: string | null = null;
    if (token.upn) {
      const key = normalizeUsername(token.upn);
      if (!accounts.has(key)) {
        const account = await deps.accounts.findByUsername(normalizeUsername(token.upn));
        accounts.set(key, account ? { id: account.id, username: account.username, held: await tokensHeld(deps.credentials, deps.tokens, account.id) } : null);
      }
      const account = accounts.get(key);
      if (!account) problem(`there is no user '${token.upn}'`);
      else if (++account.held > tokensPerPerson) problem(`'${account.username}' would hold more than ${tokensPerPerson} tokens`);
      else owner = account.id;
    }
    owners.push(owner);
  }
  if (problems.length) throw new InvalidInputError([`${file}: nothing was imported`, ...problems.map((problem) => `${file}: ${problem}`)]);

  const batch: NewInventoryToken[] = parsed.tokens.map((token, index) => ({
    method: oathMethod,
    serial: token.serial,
    secret: token.secret,
    data: { kind: token.kind, digits: token.digits, period: token.period, algorithm: token.algorithm, manufacturer: token.manufacturer, model: token.model },
    // The store keeps the last counter used; the file gives the next one.
    counter: token.kind === 'hotp' ? token.counter - 1 : null,
    accountId: owners[index]!,
  }));
  await deps.tokens.add(batch);
  for (const [index, token] of parsed.tokens.entries()) {
    const owner = [...accounts.values()].find((account) => account && account.id === owners[index]);
    await deps.audit.record({
      type: 'token.import', result: 'ok', method: oathMethod, actor, accountId: owner?.id ?? null, username: owner?.username ?? null,
      reason: `serial ${token.serial} (${token.kind}${token.model ? `, ${token.model}` : ''}) from ${file} ${token.where}${owner ? `, assigned to ${owner.username}` : ', in stock'}`,
    });
  }
  return { imported: batch.length, assigned: owners.filter(Boolean).length };
}
