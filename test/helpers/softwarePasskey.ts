// A passkey in software, for tests over HTTP without a browser: it answers the options a
// Twofold page gives (registration and assertion) as an authenticator would, with a P-256 key,
// `none` attestation, user presence and verification, and a signature counter. What it sends is
// the JSON the browser script posts (the `response` field), so the server checks it in full.
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest();

/** The options JSON a page carries in `data-options` (HTML-escaped). */
export function pageOptions(html: string): Record<string, any> {
  const raw = /data-options="([^"]*)"/.exec(html)?.[1];
  if (!raw) throw new Error(`no passkey options on the page:\n${html.slice(0, 1500)}`);
  const text = raw.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return JSON.parse(text);
}

export class SoftwarePasskey {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  readonly id = randomBytes(32);
  private counter = 0;
  private userHandle = '';

  /** `origin` is where the pages are (the issuer's origin), as a browser would report it. */
  constructor(private readonly origin: string) {
    ({ privateKey: this.privateKey, publicKey: this.publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' }));
  }

  private clientData(type: 'webauthn.create' | 'webauthn.get', challenge: string) {
    return Buffer.from(JSON.stringify({ type, challenge, origin: this.origin, crossOrigin: false }));
  }

  private authData(rpId: string, attested: boolean) {
    const flags = Buffer.from([0x01 | 0x04 | (attested ? 0x40 : 0)]);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(++this.counter);
    const parts = [sha256(rpId), flags, count];
    if (attested) {
      const jwk = this.publicKey.export({ format: 'jwk' });
      // COSE_Key: kty EC2 (2), alg ES256 (-7), crv P-256 (1), x, y.
      const cose = isoCBOR.encode(new Map<number, number | Uint8Array>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
      const length = Buffer.alloc(2);
      length.writeUInt16BE(this.id.length);
      parts.push(Buffer.alloc(16), length, this.id, Buffer.from(cose));
    }
    return Buffer.concat(parts);
  }

  /** The answer to registration options (navigator.credentials.create), as JSON. */
  register(options: Record<string, any>): string {
    this.userHandle = options.user.id;
    const authData = this.authData(options.rp.id, true);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]) as never);
    return JSON.stringify({
      id: b64url(this.id), rawId: b64url(this.id), type: 'public-key', authenticatorAttachment: 'cross-platform', clientExtensionResults: { credProps: { rk: true } },
      response: { clientDataJSON: b64url(this.clientData('webauthn.create', options.challenge)), attestationObject: b64url(attestationObject), transports: ['usb'] },
    });
  }

  /** The answer to assertion options (navigator.credentials.get), as JSON. */
  assert(options: Record<string, any>): string {
    const authenticatorData = this.authData(options.rpId, false);
    const clientDataJSON = this.clientData('webauthn.get', options.challenge);
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.privateKey);
    return JSON.stringify({
      id: b64url(this.id), rawId: b64url(this.id), type: 'public-key', authenticatorAttachment: 'cross-platform', clientExtensionResults: {},
      response: { clientDataJSON: b64url(clientDataJSON), authenticatorData: b64url(authenticatorData), signature: b64url(signature), userHandle: this.userHandle },
    });
  }
}
