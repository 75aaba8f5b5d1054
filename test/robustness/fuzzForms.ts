// Posts hostile values into every field of every form on a page (with the page's valid CSRF
// token, so the value reaches the handler, and with a forged one), and hostile query strings
// to the page itself, and checks each answer: no 5xx, nothing evaluated, no injected header.
import { request } from 'node:http';
import { type Page, UserAgent } from '../helpers/userAgent.js';
import { full } from './mode.js';
import { encodeField, evaluatedMarkers, type Payload, payloads, payloadsFor } from './payloads.js';
import { type PageForm, pageForms, type Surface } from './site.js';
import { diffDumps, type Dump } from './storeDump.js';

export interface FuzzCounts {
  requests: number;
  fields: Set<string>;
  forms: Set<string>;
  problems: string[];
  /** Rows the fuzzed requests changed outside the tables meant to change. */
  changes: string[];
}

export const newCounts = (): FuzzCounts => ({ requests: 0, fields: new Set(), forms: new Set(), problems: [], changes: [] });

/**
 * Forms that change the store by design when the rest of the form is well formed, whatever the
 * fuzzed field holds, and the tables they may change. The changed rows are still checked: no
 * value may appear evaluated in them.
 */
export const acceptedByDesign: { action: RegExp; tables: string[]; why: string }[] = [
  { action: /\/rename$/, tables: ['credentials'], why: 'renaming a method or device to any text is what the form is for; the text is stored as typed' },
  {
    action: /\/(enroll|add)\/begin$/, tables: ['push_activations', 'phone_texts', 'phone_calls'],
    why: 'the page preselects a method, so the form starts its setup whatever another field holds: a pending activation, text or call that is never a usable method until proven',
  },
  { action: /^\/admin\/users\/[^/]+\/(profile|groups)$/, tables: ['accounts', 'account_groups'], why: "an administrator changing a person's details: a display name is any text, and the other fields as shown are valid" },
  { action: /^\/admin\/users\/[^/]+\/bypass$/, tables: ['challenges'], why: 'a blank minutes field means the default (5 minutes): the bypass is issued as asked' },
  { action: /^\/admin\/applications\/[^/]+\/update$/, tables: ['clients'], why: "an application's name is any text; its redirect URIs as shown are valid" },
];

const csrfNames = ['csrf', 'xsrf'];

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

/**
 * Sends one request with the agent's cookies and a body written by hand. node:http rather than
 * fetch: a server that answers 413 before reading a megabyte body may close the socket while it
 * is still being written, and the answer it sent is what counts.
 */
export function send(agent: UserAgent, method: 'GET' | 'POST', target: string, body?: string, contentType = 'application/x-www-form-urlencoded'): Promise<Answer> {
  const url = new URL(target, agent.origin);
  const cookie = agent.cookiesFor(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method, agent: false, headers: { cookie, ...(body !== undefined ? { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } : {}) } }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
        resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(new Error(`${method} ${url.pathname}: no answer: ${error.message}`));
    });
    req.end(body);
  });
}

/** What is wrong with an answer, if anything. */
export function judge(answer: Answer, what: string): string | undefined {
  if (answer.status >= 500) return `${what}: status ${answer.status}: ${answer.body.replace(/\s+/g, ' ').slice(0, 300)}`;
  for (const marker of evaluatedMarkers) if (marker.test(answer.body)) return `${what}: the page shows ${marker} (a value was evaluated or not escaped)`;
  for (const [name, value] of answer.headers) if (/zqevil/i.test(name) || /zqevil/i.test(value)) return `${what}: header ${name}: ${value} (header injection)`;
  return undefined;
}

const formKey = (surface: string, form: PageForm) => `${surface} → ${form.action.replace(/\/interaction\/[^/]+/, '/interaction/:uid').replace(/[0-9a-f-]{36}/g, ':id')}`;

function body(form: PageForm, field: string, payload: Payload, csrf?: string): string {
  const parts: string[] = [];
  for (const [name, value] of Object.entries(form.fields)) {
    if (name === field) continue;
    const sent = csrfNames.includes(name) && csrf !== undefined ? csrf : value;
    parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(sent)}`);
  }
  parts.push(encodeField(payload, field));
  return parts.join('&');
}

/**
 * Fuzzes the forms of one page. The page is reached again whenever an answer moved the browser
 * on (a form that finished or abandoned the step), so every field is tried at its own page.
 */
export async function fuzzSurface(surface: Surface, counts: FuzzCounts, index: number, dump: () => Dump, check?: (answer: Answer, what: string) => string | undefined): Promise<void> {
  /** judge(), then the caller's own check of the answer. */
  const assess = (answer: Answer, what: string) => judge(answer, what) ?? check?.(answer, what);
  let { agent, page } = await surface.reach();
  const forms = pageForms(page.html);
  if (!forms.length) counts.problems.push(`${surface.name}: no form at ${page.status} ${page.url}: ${page.html.replace(/\s+/g, ' ').slice(0, 200)}`);
  // Reaching a page again changes the store (a new sign-in): only what fuzzed requests changed counts.
  let baseline = dump();
  let allowed: string[] = [];
  const collect = () => {
    for (const line of diffDumps(baseline, dump())) {
      if (evaluatedMarkers.some((marker) => marker.test(line))) counts.changes.push(`${surface.name}: evaluated value stored: ${line}`);
      else if (!allowed.some((table) => line.startsWith(`${table}:`))) counts.changes.push(`${surface.name}: ${line}`);
    }
  };
  const fresh = async (): Promise<{ agent: UserAgent; page: Page }> => {
    collect();
    ({ agent, page } = await surface.reach());
    baseline = dump();
    return { agent, page };
  };
  for (const [formIndex, form] of forms.entries()) {
    const key = formKey(surface.name, form);
    collect();
    baseline = dump();
    allowed = acceptedByDesign.filter((rule) => rule.action.test(form.action)).flatMap((rule) => rule.tables);
    counts.forms.add(key);
    const fields = Object.keys(form.fields);
    for (const [fieldIndex, field] of fields.entries()) {
      counts.fields.add(`${key} ${field}`);
      for (const payload of payloadsFor(index * 31 + formIndex * 7 + fieldIndex, 2)) {
        // The page may have moved on (the form's own state is per page), so post the form as shown now.
        const current = pageForms(page.html).find((f) => f.action === form.action) ?? form;
        const answer = await send(agent, 'POST', new URL(current.action, page.url).href, body(current, field, payload));
        counts.requests++;
        const problem = assess(answer, `${key} ${field}=${payload.name}`);
        if (problem) counts.problems.push(problem);
        if (answer.status >= 300 && answer.status < 400 && !csrfNames.includes(field)) await fresh();
      }
    }
    // The same form with a forged token: refused before any handler runs.
    for (const payload of payloadsFor(index + formIndex, full ? payloads.length : 1)) {
      const current = pageForms(page.html).find((f) => f.action === form.action) ?? form;
      const target = fields.find((name) => !csrfNames.includes(name)) ?? 'x';
      const answer = await send(agent, 'POST', new URL(current.action, page.url).href, body(current, target, payload, 'forged-token'));
      counts.requests++;
      const problem = assess(answer, `${key} (forged token) ${target}=${payload.name}`);
      if (problem) counts.problems.push(problem);
      else if (csrfNames.some((name) => name in current.fields) && answer.status < 400) counts.problems.push(`${key} (forged token): status ${answer.status}, not refused`);
    }
  }
  collect();
  baseline = dump();
  allowed = [];
  // The page's own address with hostile query parameters: those it uses and some it does not.
  const url = new URL(page.url);
  const names = [...new Set([...url.searchParams.keys(), 'notice', 'error', 'method', 'next', 'id'])];
  for (const [i, name] of names.entries()) {
    counts.fields.add(`${surface.name} ?${name}`);
    for (const payload of payloadsFor(index * 13 + i, full ? payloads.length : 1)) {
      if (payload.text.length > 100_000) continue; // a megabyte URL is refused by the HTTP parser before Twofold sees it
      const query = new URLSearchParams(url.search);
      query.delete(name);
      const target = `${url.pathname}?${[query.toString(), encodeField(payload, name)].filter(Boolean).join('&')}`;
      const answer = await send(agent, 'GET', target);
      counts.requests++;
      const problem = assess(answer, `${surface.name} GET ?${name}=${payload.name}`);
      if (problem) counts.problems.push(problem);
    }
  }
  collect();
}
