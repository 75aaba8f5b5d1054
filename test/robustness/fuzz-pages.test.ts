// The fuzzer over the pages: every form field (valid and forged CSRF token), the pages' query
// parameters and /authorize's, against the real server. No answer may be a 5xx, the server log
// must hold no error or stack, and the store must not change outside the tables that record
// refusals (listed with their reasons in storeDump.ts).
import { jest } from '@jest/globals';
import { UserAgent } from '../helpers/userAgent.js';
import { type FuzzCounts, fuzzSurface, judge, newCounts, send } from './fuzzForms.js';
import { full, report, sized } from './mode.js';
import { encodeField, payloads, payloadsFor } from './payloads.js';
import { type FuzzSite, securityInfoSubPages, startFuzzSite } from './site.js';
import { changesExpected, diffDumps, dumpStore } from './storeDump.js';

jest.setTimeout(sized(120_000, 1_800_000));

let site: FuzzSite;
const counts: FuzzCounts = newCounts();
const rejections: string[] = [];
const onRejection = (reason: unknown) => rejections.push(String((reason as Error)?.stack ?? reason));

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  site = await startFuzzSite();
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await site?.server.stop();
  report(`pages: ${counts.requests} requests fuzzed, ${counts.fields.size} fields covered on ${counts.forms.size} forms`);
});

const serverErrors = () => site.server.logs.filter((line) => /\bERROR\b|"level":\s*(50|60)|\bat .+\.(ts|js):\d+/.test(line));

test('every form field and query parameter of every page takes hostile input without a 5xx or a change to the store', async () => {
  const surfaces = [...site.surfaces, ...(await securityInfoSubPages(site))];
  for (const [index, surface] of surfaces.entries()) {
    const started = Date.now();
    try {
      await fuzzSurface(surface, counts, index, () => dumpStore(site.server.dataDir));
    } catch (error) {
      counts.problems.push(`${surface.name}: could not be reached or fuzzed: ${(error as Error).message}`);
    }
    if (process.env.TWOFOLD_ROBUSTNESS_TIMES) report(`${surface.name}: ${Date.now() - started} ms`);
  }
  expect(counts.problems).toEqual([]);
  expect(counts.changes).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
  report(`store unchanged outside ${Object.keys(changesExpected).join(', ')} over ${surfaces.length} pages`);
});

test('every /authorize parameter takes hostile input without a 5xx', async () => {
  const { url } = await site.rp.begin({ acr_values: 'https://refeds.org/profile/mfa', login_hint: 'full', max_age: '300', prompt: 'login', ui_locales: 'en', claims: '{"id_token":{"acr":{"essential":true}}}' });
  const valid = new URL(url);
  const before = dumpStore(site.server.dataDir);
  const problems: string[] = [];
  const names = [...valid.searchParams.keys(), 'request', 'request_uri', 'id_token_hint', 'display', 'resource', 'response_mode'];
  for (const [i, name] of names.entries()) {
    counts.fields.add(`/authorize ?${name}`);
    for (const payload of payloadsFor(i, full ? payloads.length : 4)) {
      if (payload.text.length > 100_000) continue;
      const query = new URLSearchParams(valid.search);
      query.delete(name);
      const agent = new UserAgent(site.server.issuer);
      const answer = await send(agent, 'GET', `${valid.pathname}?${[query.toString(), encodeField(payload, name)].join('&')}`);
      counts.requests++;
      const problem = judge(answer, `/authorize ${name}=${payload.name}`);
      if (problem) problems.push(problem);
      // The same as a form post (OpenID Connect Core 3.1.2.1 allows POST to the authorization endpoint).
      const posted = await send(agent, 'POST', valid.pathname, [query.toString(), encodeField(payload, name)].join('&'));
      counts.requests++;
      const postProblem = judge(posted, `POST /authorize ${name}=${payload.name}`);
      if (postProblem) problems.push(postProblem);
    }
  }
  expect(problems).toEqual([]);
  expect(diffDumps(before, dumpStore(site.server.dataDir))).toEqual([]);
  expect(serverErrors()).toEqual([]);
  expect(rejections).toEqual([]);
});
