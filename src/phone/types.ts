// The telephony port: what Twofold asks of a phone network, whichever adapter answers
// (the development phone, Twilio). Call outcomes live in the store (PhoneStore), so a callback
// reaching one server process is seen by the process that waits for it.
import type { CallMode } from '../store/types.js';

export type { CallMode } from '../store/types.js';

export type TelephonyAdapter = 'development' | 'twilio';

export interface TextRequest {
  /** E.164 */
  to: string;
  body: string;
}

export interface CallRequest {
  /** E.164 */
  to: string;
  /** Digits dialled once the call connects: an office phone's extension. */
  extension?: string | null;
  /** `confirm`: press # to finish signing in; `pin`: enter your PIN followed by #. 0# reports fraud in both. */
  mode: CallMode;
  /** The organisation the greeting names. */
  organisation: string;
}

/** The network or the service would not take it; `detail` is for administrators only. */
export interface SendFailure {
  ok: false;
  reason: 'rejected' | 'unavailable';
  detail: string;
}

export type TextResult = { ok: true } | SendFailure;
export type CallResult = { ok: true; callId: string } | SendFailure;

/** What became of a call so far. `keys` are the keys pressed, `#` included (`#`, `0#`, `1234#`). */
export type CallOutcome =
  | { status: 'ringing' }
  | { status: 'answered'; keys: string }
  | { status: 'no-answer' }
  | { status: 'failed'; detail: string };

export interface Telephony {
  readonly adapter: TelephonyAdapter;
  sendText(text: TextRequest): Promise<TextResult>;
  placeCall(call: CallRequest): Promise<CallResult>;
  /** Undefined for a call this store never placed (or swept, a day later). */
  callOutcome(callId: string): Promise<CallOutcome | undefined>;
}
