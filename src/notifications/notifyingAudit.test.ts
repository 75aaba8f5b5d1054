// A regulated step writes its audit event with its attempt (AttemptStore.settle): the security
// email goes out for it as for an event appended on its own.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecretBox } from '../crypto/secretBox.js';
import { silentLogger } from '../log.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { developmentOutbox } from './mailer.js';
import { notifyingAttempts } from './notifyingAudit.js';

test('a recovery code used at sign-in, settled with its attempt, is mailed; a failed answer is not', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-notify-'));
  const store = await openSqliteStore({ file: join(dir, 'twofold.db'), box: createSecretBox(randomBytes(32)) });
  try {
    const outbox = developmentOutbox('Example IT <it@example.com>');
    const { id } = await store.accounts.create({ username: 'nora', passwordHash: 'h', email: 'nora@example.com' });
    const attempts = notifyingAttempts(store.attempts, { accounts: store.accounts, mailer: outbox, log: silentLogger, serviceName: 'Example' });
    const settle = (result: 'ok' | 'fail') => attempts.settle({
      subject: `mfa:${id}`, network: '198.51.100.7', ok: result === 'ok', at: 1,
      audit: { at: 1, type: 'mfa.verify', result, method: 'recovery', accountId: id, clientId: 'wiki' },
    });
    await settle('fail');
    await settle('ok');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(outbox.list().map((email) => [email.to, email.text.split('\n')[2]])).toEqual([['nora@example.com', 'A recovery code was used to sign in.']]);
    // Written as well as mailed.
    expect((await store.audit.tail({ accountId: id, limit: 5 })).map((event) => event.result)).toEqual(['fail', 'ok']);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
