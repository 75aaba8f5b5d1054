// What a relying party does with a signed token it receives: find the provider's key in the
// published JWK Set and check the signature, with nothing but node:crypto.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export interface DecodedJwt {
  header: { alg: string; kid?: string; typ?: string };
  payload: Record<string, unknown>;
}

const part = (text: string) => JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));

export function decodeJwt(token: string): DecodedJwt {
  const [header, payload] = token.split('.');
  return { header: part(header!), payload: part(payload!) };
}

/** Verifies the signature against the issuer's JWK Set and returns the decoded token; throws otherwise. */
export async function verifyJwt(token: string, jwksUri: string): Promise<DecodedJwt> {
  const decoded = decodeJwt(token);
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: (JsonWebKey & { kid?: string })[] };
  const jwk = keys.find((key) => key.kid === decoded.header.kid);
  if (!jwk) throw new Error(`no key '${decoded.header.kid}' in ${jwksUri}`);
  const [header, payload, signature] = token.split('.');
  const data = Buffer.from(`${header}.${payload}`);
  const key = createPublicKey({ key: jwk, format: 'jwk' });
  const sig = Buffer.from(signature!, 'base64url');
  const ok = decoded.header.alg === 'ES256'
    ? verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, sig)
    : decoded.header.alg === 'RS256'
      ? verify('sha256', data, key, sig)
      : false;
  if (!ok) throw new Error(`bad ${decoded.header.alg} signature`);
  return decoded;
}
