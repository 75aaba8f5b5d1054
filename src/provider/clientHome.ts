// Where "Go back to the application" goes when the sign-in page it came from is gone: the
// application's own start (initiate_login_uri, then client_uri), else the origin of its first
// web redirect URI, else Twofold's home page. Only registered metadata is used, never a URL
// from the request.
import type Provider from 'oidc-provider';

export interface BackLink {
  href: string;
  text: string;
}

export const homeLink: BackLink = { href: '/', text: 'Go to the Twofold home page' };

type ClientLike = { clientId: string; clientName?: string; metadata(): Record<string, unknown> };

const webUrl = (value: unknown): URL | undefined => {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined;
  } catch {
    return undefined;
  }
};

export function clientHome(client: ClientLike | undefined): BackLink {
  if (!client) return homeLink;
  const metadata = client.metadata();
  const start = webUrl(metadata.initiate_login_uri) ?? webUrl(metadata.client_uri);
  const redirect = (metadata.redirect_uris as unknown[] | undefined)?.map(webUrl).find(Boolean);
  const href = start?.href ?? (redirect && `${redirect.origin}/`);
  if (!href) return homeLink;
  return { href, text: `Go back to ${client.clientName ?? client.clientId}` };
}

/** The back link for a client id remembered by this browser (see interactions/interaction.ts). */
export async function clientHomeById(provider: Provider, clientId: string | undefined): Promise<BackLink> {
  if (!clientId || clientId.length > 256) return homeLink;
  try {
    return clientHome((await provider.Client.find(clientId)) as ClientLike | undefined);
  } catch {
    // An id that is no longer (or never was) valid metadata: the home page will do.
    return homeLink;
  }
}
