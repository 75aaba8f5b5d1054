// The TwiML a Twofold call runs. Twilio does not call the action URL when a <Gather> ends on
// its finishOnKey with no digits before it, so "press #" gathers one key with no finish key
// (# then arrives as the digit); a PIN is gathered up to #, with empty results posted too.
// Twilio reports the finishing key as FinishedOnKey, so a timed-out entry never reads as a
// pressed #.

const xml = (text: string) => text.replace(/[<>&"']/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot', "'": 'apos' }[c]};`);

/** `#` read aloud. */
const speakable = (text: string) => text.replace(/#/g, 'pound');

const document = (body: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>`;

export type GatherKind = 'one-key' | 'until-hash';

export function gatherTwiml({ say, action, kind, noAnswer }: { say: string; action: string; kind: GatherKind; noAnswer: string }): string {
  const attributes = kind === 'one-key'
    ? 'input="dtmf" numDigits="1" finishOnKey="" timeout="10"'
    : 'input="dtmf" finishOnKey="#" timeout="10" actionOnEmptyResult="true"';
  return document(`<Gather ${attributes} method="POST" action="${xml(action)}"><Say>${xml(speakable(say))}</Say></Gather><Say>${xml(speakable(noAnswer))}</Say><Hangup/>`);
}

export function sayTwiml(say: string): string {
  return document(`<Say>${xml(speakable(say))}</Say><Hangup/>`);
}
