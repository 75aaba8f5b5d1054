// Where passkeys are bound: the relying party ID (a domain) and the origins allowed to use it.
// Both derive from the issuer unless configured, and are checked against each other at start,
// because a mismatch would only show later as every ceremony failing in the browser.
import { ConfigError } from '../../config/configError.js';

export interface RelyingParty {
  /** The domain credentials are scoped to: the issuer's host, or a registrable suffix of it. */
  id: string;
  /** Exact origins (scheme, host, port) a response may come from. */
  origins: string[];
}


const isLocalhost = (host: string) => host === 'localhost' || host.endsWith('.localhost');
const isIpAddress = (host: string) => /^[\d.]+$/.test(host) || host.includes(':') || host.startsWith('[');

/** Whether `host` may use credentials scoped to `rpId` (the same domain, or a subdomain of it). */
export const hostMatches = (host: string, rpId: string) => host === rpId || host.endsWith(`.${rpId}`);

/**
 * The relying party for this deployment, or undefined when passkeys cannot be offered: a plugin
 * host that passed no issuer and configured none, or an issuer at an IP address.
 */
export function resolveRelyingParty(issuer: string | undefined, configured: { rpId?: string; origins: string[] }): RelyingParty | undefined {
  const problems: string[] = [];
  const issuerUrl = issuer ? new URL(issuer) : undefined;
  const id = configured.rpId ?? issuerUrl?.hostname;
  const origins = configured.origins.length ? configured.origins : issuerUrl ? [issuerUrl.origin] : [];
  if (!id || !origins.length) return undefined;
  // Browsers bind passkeys to domain names only: an issuer at an address simply has none,
  // unless the options name a domain (then a mistake is refused below).
  if (!configured.rpId && isIpAddress(id)) return undefined;
  if (isIpAddress(id)) problems.push(`option 'webauthnRpId' must be a domain name, not an IP address, but is '${id}'`);
  for (const origin of origins) {
    const url = URL.canParse(origin) ? new URL(origin) : undefined;
    if (!url || url.origin !== origin) {
      problems.push(`option 'webauthnOrigins' must list origins such as https://login.example.com (no path) but has '${origin}'`);
      continue;
    }
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLocalhost(url.hostname))) {
      problems.push(`origin '${origin}' must be https (browsers allow plain http only on localhost)`);
    }
    if (!hostMatches(url.hostname, id)) {
      problems.push(`origin '${origin}' is not on the relying party ID '${id}': browsers would refuse every passkey ceremony there`);
    }
  }
  if (issuerUrl && !hostMatches(issuerUrl.hostname, id)) {
    problems.push(`relying party ID '${id}' does not cover the issuer's host '${issuerUrl.hostname}': the sign-in pages could not use passkeys`);
  }
  if (problems.length) throw new ConfigError(problems.map((problem) => `webauthn: ${problem}`));
  return { id, origins };
}
