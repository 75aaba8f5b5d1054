// The methods this server can offer with its configuration, for the policy's warnings and
// `policy explain`: the factors built as the server builds them, less those their options
// leave unable to run (texts and calls switched off, passkeys with no relying party).
import type { Config } from '../config/schema.js';
import type { MethodOffer } from '../policy/offer.js';
import type { MethodId } from '../policy/types.js';
import { createFactors, type FactorConfig } from './registry.js';
import { resolveRelyingParty } from './webauthn/relyingParty.js';

/** `issuer` as the server will use it: TWOFOLD_ISSUER, or http://localhost with the port. */
export function configuredOffer(config: Config, issuer = config.issuer ?? `http://localhost:${config.port}`): MethodOffer {
  const notOffered: Partial<Record<MethodId, string>> = {};
  if (config.phone === 'off') {
    notOffered.sms = notOffered.voice = "texts and calls are off (TWOFOLD_PHONE is 'off')";
  }
  let rp: ReturnType<typeof resolveRelyingParty>;
  try {
    rp = resolveRelyingParty(issuer, { rpId: config.webauthnRpId, origins: config.webauthnOrigins ?? [] });
  } catch (error) {
    notOffered.webauthn = `passkeys are misconfigured: ${(error as Error).message}`;
  }
  if (!rp && !notOffered.webauthn) {
    notOffered.webauthn = `passkeys need a domain name: the issuer's host '${new URL(issuer).hostname}' is not one; set TWOFOLD_WEBAUTHN_RP_ID and TWOFOLD_WEBAUTHN_ORIGINS`;
  }
  // Built only to read what each factor is (phishing-resistant, standby): nothing is stored or sent.
  const unused = new Proxy({}, { get: () => () => Promise.reject(new Error('not for use')) }) as never;
  const factors = createFactors({ credentials: unused, tokens: unused, challenges: unused, push: unused, issuerName: config.displayName, issuer: rp ? issuer : undefined, now: Date.now }, { ...config, webauthnRpId: rp ? config.webauthnRpId : undefined } as Partial<FactorConfig>).all();
  const offered = factors.map((factor) => factor.id).filter((id) => !notOffered[id]);
  return {
    offered,
    notOffered,
    phishingResistant: factors.filter((factor) => factor.phishingResistant).map((factor) => factor.id),
    standby: factors.filter((factor) => factor.standby && offered.includes(factor.id)).map((factor) => factor.id),
  };
}
