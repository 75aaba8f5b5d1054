// The token endpoint's other work, measured the same way on both servers: refreshing tokens,
// client credentials, and introspection of access tokens by the client they were issued to.
import * as oidc from 'openid-client';

export type GrantKind = 'refresh' | 'clientCredentials' | 'introspection';

export interface GrantSubjects {
  refreshTokens: string[];
  accessTokens: string[];
}

const elapsed = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** One operation for a grant kind; each call of `next` is one grant. `refreshTokens` is updated in place as tokens rotate. */
export function grantOperation(kind: GrantKind, config: oidc.Configuration, subjects: GrantSubjects) {
  let turn = 0;
  switch (kind) {
    case 'refresh':
      return async () => {
        const slot = turn++ % subjects.refreshTokens.length;
        const start = process.hrtime.bigint();
        const tokens = await oidc.refreshTokenGrant(config, subjects.refreshTokens[slot]!);
        if (tokens.refresh_token) subjects.refreshTokens[slot] = tokens.refresh_token;
        if (!tokens.access_token) throw new Error('no access token from the refresh grant');
        return { grant: elapsed(start) };
      };
    case 'clientCredentials':
      return async () => {
        const start = process.hrtime.bigint();
        const tokens = await oidc.clientCredentialsGrant(config);
        if (!tokens.access_token) throw new Error('no access token from the client credentials grant');
        return { grant: elapsed(start) };
      };
    case 'introspection':
      return async () => {
        const token = subjects.accessTokens[turn++ % subjects.accessTokens.length]!;
        const start = process.hrtime.bigint();
        const answer = await oidc.tokenIntrospection(config, token);
        if (!answer.active) throw new Error('introspection says a live access token is not active');
        return { grant: elapsed(start) };
      };
  }
}

/** Whether the server lets the bench's client use this grant; otherwise why not. */
export async function grantRefusal(kind: GrantKind, config: oidc.Configuration, subjects: GrantSubjects): Promise<string | undefined> {
  try {
    await grantOperation(kind, config, subjects)();
    return undefined;
  } catch (error) {
    const { error: code, error_description: description } = error as { error?: string; error_description?: string };
    return code ? `${code}: ${description ?? ''}`.trim() : (error as Error).message;
  }
}
