import { isTwilioSignatureValid, twilioSignature } from './signature.js';

// Twilio's published example (docs "Webhooks security", and the helper libraries' snippets):
// auth token 12345, this URL and these POST parameters.
const authToken = '12345';
const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const examples = [
  { caller: '+14158675309', signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=' },
  { caller: '+14158675310', signature: 'GvWf1cFY/Q7PnoempGyD5oXAezc=' },
];
const paramsFor = (caller: string) => ({ CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' });

describe("Twilio's request signature", () => {
  it.each(examples)("matches Twilio's published example for caller $caller", ({ caller, signature }) => {
    expect(twilioSignature(authToken, url, paramsFor(caller))).toBe(signature);
    expect(isTwilioSignatureValid(authToken, url, Object.entries(paramsFor(caller)), signature)).toBe(true);
  });

  it('does not depend on the order the parameters arrive in', () => {
    const reversed = Object.entries(paramsFor('+14158675309')).reverse();
    expect(isTwilioSignatureValid(authToken, url, reversed, examples[0]!.signature)).toBe(true);
  });

  it.each([
    ['a changed parameter', url, { ...paramsFor('+14158675309'), Digits: '0' }, authToken, examples[0]!.signature],
    ['an added parameter', url, { ...paramsFor('+14158675309'), Extra: '' + 'x' }, authToken, examples[0]!.signature],
    ['another URL', 'https://mycompany.com/myapp.php?foo=1&bar=3', paramsFor('+14158675309'), authToken, examples[0]!.signature],
    ['another auth token', url, paramsFor('+14158675309'), '54321', examples[0]!.signature],
    ['no signature', url, paramsFor('+14158675309'), authToken, undefined],
    ['a truncated signature', url, paramsFor('+14158675309'), authToken, examples[0]!.signature.slice(0, -1)],
  ])('refuses %s', (_, requestUrl, params, token, signature) => {
    expect(isTwilioSignatureValid(token, requestUrl, Object.entries(params), signature)).toBe(false);
  });
});
