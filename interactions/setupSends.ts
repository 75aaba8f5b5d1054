// Setting up a phone sends a text or places a call at the person's request, to a number they
// type. Each such send counts in the account's send allowance, with the challenges of its
// sign-ins (5 in 15 minutes by default), and a refused one is audited, so a setup form cannot
// be used to send a text per click. Not the 30-second interval of "Send a new code": setting up
// a mobile by text and an office phone by call straight after is the flow the setup suggests.
// The hourly toll-fraud caps apply on top, in the phone service.
import type { Audit } from '../src/audit/audit.js';
import type { SetupContext } from '../src/factors/types.js';
import { type AnswerContext, refusalReason } from '../src/mfa/verification.js';
import type { Regulator } from '../src/regulation/regulator.js';
import { refusalMessage } from './messages.js';

export function setupSendGate(deps: { regulator: Regulator; audit: Audit; now: () => number }, context: AnswerContext, method: string): NonNullable<SetupContext['mayContact']> {
  return async () => {
    const refusal = await deps.regulator.send(context.accountId, context.ip, { resend: false });
    if (!refusal) return undefined;
    await deps.audit.record({ ...context, type: 'mfa.challenge', method, result: 'fail', reason: `setup: ${refusalReason(refusal)}` });
    return refusalMessage(refusal, deps.now());
  };
}
