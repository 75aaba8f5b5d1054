// The lifecycle of a method answered elsewhere, on the simulated device of simulatedApproval.ts.
import { describeOnMongo, openMongoTestStore } from '../helpers/mongo.js';
import { openStandInMongoStore } from '../helpers/mongoStandIn.js';
import { describeFactorContract } from './contract.js';
import { simulatedApprovalFactor } from './simulatedApproval.js';

const kind = { enrolls: true, challenges: true, outOfBand: true };
const underTest: Parameters<typeof describeFactorContract>[2] = (store, clock) => {
  const factor = simulatedApprovalFactor({ credentials: store.credentials, challenges: store.challenges, now: clock.now });
  return {
    factor,
    async setUp(account) {
      const result = await factor.enroll!.finish(account, {}, { code: 'ok' }, async () => true);
      if (result.outcome !== 'ok') throw new Error('setup failed');
      return result.credential;
    },
    proveSetup: async () => ({ code: 'ok' }),
    proveSignIn: async () => ({}),
    wrongAnswer: { code: 'no' },
    async answerElsewhere(state, decision) {
      if (!(await factor.answer(String(state.requestId), decision))) throw new Error('no such request');
    },
  };
};

describeFactorContract('simulated out-of-band', kind, underTest);
describeOnMongo('simulated out-of-band factor contract on mongodb', () => describeFactorContract('simulated out-of-band on mongodb', kind, underTest, (now) => openMongoTestStore(now)));
describeFactorContract('simulated out-of-band on the mongodb adapter (driver stand-in)', kind, underTest, (now) => openStandInMongoStore(now));
