// What the keys pressed on a call mean. 0# reports fraud in every mode; a PIN is 4 to 8 digits,
// so it can never be read as 0#. Checking the PIN itself is the factor's job.
import type { CallMode, CallOutcome } from './types.js';

export type CallAnswer =
  | { kind: 'waiting' }
  | { kind: 'confirmed' }
  | { kind: 'pin'; pin: string }
  | { kind: 'fraud' }
  | { kind: 'wrong-keys' }
  | { kind: 'no-answer' }
  | { kind: 'failed'; detail: string };

export const fraudKeys = '0#';

export function readCallAnswer(outcome: CallOutcome | undefined, mode: CallMode): CallAnswer {
  if (!outcome) return { kind: 'failed', detail: 'no such call' };
  switch (outcome.status) {
    case 'ringing':
      return { kind: 'waiting' };
    case 'no-answer':
      return { kind: 'no-answer' };
    case 'failed':
      return { kind: 'failed', detail: outcome.detail };
    case 'answered': {
      if (outcome.keys === fraudKeys) return { kind: 'fraud' };
      if (mode === 'confirm') return outcome.keys === '#' ? { kind: 'confirmed' } : { kind: 'wrong-keys' };
      const pin = /^(\d{4,8})#$/.exec(outcome.keys)?.[1];
      return pin ? { kind: 'pin', pin } : { kind: 'wrong-keys' };
    }
  }
}

/** Keys as a keypad sends them: digits, * and a final #. */
export const keysPattern = /^[0-9*]{0,12}#$/;
