// The authenticator app's activations and push requests. Answers and their use are single
// conditional UPDATEs, so racing devices or racing sign-in pages get one winner.
import { randomUUID } from 'node:crypto';
import type { SecretBox } from '../../crypto/secretBox.js';
import { type PushStore, type PushSubscription, sealContext } from '../types.js';
import { pollWatch } from '../pollWatch.js';
import type { Db } from './database.js';
import { type PushActivationRow as ActivationRow, type PushChallengeRow as ChallengeRow, readPushActivation, readPushChallenge } from '../rows.js';

/** Kept a day after they end: the push-bombing window and the app's history look back less. */
const keepFor = 86_400_000;

export function sqlitePush(db: Db, box: SecretBox, now: () => number) {
  const toActivation = (row: ActivationRow) => readPushActivation(row, box);
  const toChallenge = (row: ChallengeRow) => readPushChallenge(row, box);

  const insertActivation = db.prepare(`INSERT INTO push_activations (id, account_id, username, code_hash, secrets_sealed, created_at, expires_at)
    VALUES (@id, @accountId, @username, @codeHash, @secretsSealed, @createdAt, @expiresAt)`);
  const activationById = db.prepare('SELECT * FROM push_activations WHERE id = ?');
  const activate = db.prepare(`UPDATE push_activations SET device_id = @deviceId, device_key = @deviceKey, device_name = @name, activated_at = @at
    WHERE code_hash = @codeHash AND device_id IS NULL AND finished_at IS NULL AND expires_at > @at RETURNING *`);
  const finish = db.prepare('UPDATE push_activations SET finished_at = ? WHERE id = ? AND finished_at IS NULL');
  const insertChallenge = db.prepare(`INSERT INTO push_challenges (id, account_id, purpose, number_sealed, context, status, created_at, expires_at)
    VALUES (@id, @accountId, @purpose, @numberSealed, @context, 'pending', @createdAt, @expiresAt)`);
  const challengeById = db.prepare('SELECT * FROM push_challenges WHERE id = ?');
  const pending = db.prepare("SELECT * FROM push_challenges WHERE account_id = ? AND status = 'pending' AND expires_at > ? ORDER BY created_at, rowid");
  const answer = db.prepare(`UPDATE push_challenges SET status = @status, answered_by = @deviceId, answered_at = @at
    WHERE id = @id AND status = 'pending' AND expires_at > @at`);
  const take = db.prepare("UPDATE push_challenges SET taken_at = ? WHERE id = ? AND status <> 'pending' AND taken_at IS NULL");
  const unanswered = db.prepare(`SELECT created_at FROM push_challenges WHERE account_id = ? AND created_at > ?
    AND status IN ('pending', 'denied', 'wrong_number', 'fraud') ORDER BY created_at`);
  const upsertSubscription = db.prepare(`INSERT INTO push_subscriptions (device_id, account_id, subscription_sealed) VALUES (?, ?, ?)
    ON CONFLICT (device_id) DO UPDATE SET account_id = excluded.account_id, subscription_sealed = excluded.subscription_sealed`);
  const subscriptionsOf = db.prepare('SELECT * FROM push_subscriptions WHERE account_id = ?');
  const removeSubscription = db.prepare('DELETE FROM push_subscriptions WHERE device_id = ?');
  const sweeps = [
    db.prepare('DELETE FROM push_activations WHERE expires_at <= ?'),
    db.prepare('DELETE FROM push_challenges WHERE expires_at <= ?'),
  ];

  const store: PushStore = {
    async addActivation({ accountId, username, codeHash, totpSecret, confirmation, expiresAt }) {
      const id = randomUUID();
      const createdAt = now();
      insertActivation.run({
        id, accountId, username, codeHash, createdAt, expiresAt,
        secretsSealed: box.seal(JSON.stringify({ totp: totpSecret, confirmation }), sealContext.pushActivation(id, accountId)),
      });
      return toActivation(activationById.get(id) as ActivationRow);
    },
    async getActivation(id) {
      const row = activationById.get(id) as ActivationRow | undefined;
      return row && toActivation(row);
    },
    async activate(codeHash, device, at) {
      const row = activate.get({ codeHash, deviceId: device.deviceId, deviceKey: JSON.stringify(device.publicKey), name: device.name, at }) as ActivationRow | undefined;
      return row && toActivation(row);
    },
    async finishActivation(id) {
      return finish.run(now(), id).changes === 1;
    },
    async addChallenge(input) {
      const id = randomUUID();
      insertChallenge.run({
        id, accountId: input.accountId, purpose: input.purpose,
        numberSealed: box.seal(input.number, sealContext.pushChallenge(id, input.accountId)),
        context: JSON.stringify(input.context), createdAt: input.createdAt, expiresAt: input.expiresAt,
      });
      return toChallenge(challengeById.get(id) as ChallengeRow);
    },
    async getChallenge(id) {
      const row = challengeById.get(id) as ChallengeRow | undefined;
      return row && toChallenge(row);
    },
    async pending(accountId, at) {
      return (pending.all(accountId, at) as ChallengeRow[]).map(toChallenge);
    },
    async answer(id, { status, deviceId }, at) {
      return answer.run({ id, status, deviceId, at }).changes === 1;
    },
    async take(id, at) {
      return take.run(at, id).changes === 1;
    },
    async unansweredOrDenied(accountId, since) {
      return (unanswered.all(accountId, since) as { created_at: number }[]).map((row) => row.created_at);
    },
    async saveSubscription({ deviceId, accountId, endpoint, p256dh, auth }) {
      upsertSubscription.run(deviceId, accountId, box.seal(JSON.stringify({ endpoint, p256dh, auth }), sealContext.pushSubscription(deviceId, accountId)));
    },
    async subscriptions(accountId) {
      return (subscriptionsOf.all(accountId) as { device_id: string; account_id: string; subscription_sealed: string }[]).map((row) => ({
        deviceId: row.device_id, accountId: row.account_id,
        ...(JSON.parse(box.open(row.subscription_sealed, sealContext.pushSubscription(row.device_id, row.account_id))) as Pick<PushSubscription, 'endpoint' | 'p256dh' | 'auth'>),
      }));
    },
    async removeSubscription(deviceId) {
      removeSubscription.run(deviceId);
    },
    async watchRequests(_accountId, onChange, { pollMs }) {
      // SQLite cannot tell one process what another wrote to the shared file: poll.
      return pollWatch(onChange, pollMs);
    },
  };
  return { store, sweep: (at: number) => sweeps.forEach((sweep) => sweep.run(at - keepFor)) };
}
