// A stand-in for a method answered on another device (the shape push and phone calls will
// have): the challenge records a request, the "device" answers it through the factor's own
// route, the page sees it through `peek`, and the verify step takes the answer exactly once.
// It lives in the tests: it lets the lifecycle of out-of-band factors be proven before the real
// ones exist.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import type { Factor } from '../../src/factors/types.js';
import type { ChallengeStore, CredentialStore } from '../../src/store/types.js';

const requestKey = (id: string) => `approval:${id}`;
const lifetime = 60;

export function simulatedApprovalFactor(deps: { credentials: CredentialStore; challenges: ChallengeStore; now: () => number }): Factor & { answer(id: string, decision: 'approve' | 'deny'): Promise<boolean> } {
  const answerRequest = async (id: string, decision: 'approve' | 'deny') => {
    const request = await deps.challenges.get(requestKey(id));
    if (!request || request.data.decision) return false;
    await deps.challenges.put(requestKey(id), request.accountId, { ...request.data, decision }, lifetime);
    return true;
  };
  return {
    id: 'push',
    amr: ['swk'],
    phishingResistant: false,
    title: 'Approval on another device',
    description: 'Approve the sign-in on your other device.',
    waiting: 'out-of-band',
    wording: { submit: 'Continue', failed: 'That did not work.', resend: 'Send another request' },
    enroll: {
      begin: async () => ({ view: {}, pending: {} }),
      async finish(account, _pending, form, claim) {
        if (form.code !== 'ok') return { outcome: 'failed', reason: form.code ? 'wrong_code' : 'malformed' };
        if (!(await claim())) return { outcome: 'failed', reason: 'replayed' };
        return { outcome: 'ok', credential: await deps.credentials.add({ accountId: account.id, method: 'push' }) };
      },
    },
    async challenge(account, credential) {
      const id = randomUUID();
      await deps.challenges.put(requestKey(id), account.id, { credentialId: credential.id, expiresAt: deps.now() + lifetime * 1000 }, lifetime);
      return { view: {}, state: { requestId: id, expiresAt: deps.now() + lifetime * 1000 }, expiresIn: lifetime };
    },
    async peek(state) {
      const request = await deps.challenges.get(requestKey(String(state.requestId)));
      return request?.data.decision ? 'answered' : 'pending';
    },
    async verify({ credentials, state }) {
      if (!state || typeof state.requestId !== 'string') return { outcome: 'failed', reason: 'malformed' };
      if (Number(state.expiresAt) <= deps.now()) return { outcome: 'expired' };
      const credential = credentials.find((candidate) => candidate.method === 'push');
      if (!credential) return { outcome: 'failed', reason: 'no_credential' };
      const request = await deps.challenges.get(requestKey(state.requestId));
      if (!request) return { outcome: 'failed', reason: 'replayed' };
      if (!request.data.decision) return { outcome: 'pending' };
      // Taken once: of racing verifications, one gets the answer.
      if (!(await deps.challenges.take(requestKey(state.requestId)))) return { outcome: 'failed', reason: 'replayed' };
      return request.data.decision === 'approve' ? { outcome: 'ok', credential } : { outcome: 'denied' };
    },
    describe: () => 'Approval on another device',
    routes() {
      const router = new Router();
      router.post('/simulated-device/:id/:decision', async (ctx) => {
        const decision = ctx.params.decision === 'approve' ? 'approve' : 'deny';
        ctx.status = (await answerRequest(ctx.params.id!, decision)) ? 204 : 404;
      });
      return router;
    },
    answer: answerRequest,
  };
}
