// A browser without a browser: keeps cookies, follows Twofold's redirects by hand, and
// reads forms out of the pages, so tests can post them as a person's browser would.
import { rawRequest } from './rawHttp.js';

export interface Page {
  status: number;
  url: string;
  html: string;
  location?: string;
  /** The response's headers, names in lower case. */
  headers: Record<string, string>;
}

interface Cookie {
  value: string;
  path: string;
}

export class UserAgent {
  private cookies = new Map<string, Cookie>();
  /** Extra headers sent with every request (a proxy's X-Forwarded-For, say). */
  headers: Record<string, string> = {};
  /** Every Set-Cookie header received, as sent (to check cookie attributes). */
  setCookies: string[] = [];

  constructor(readonly origin: string) {}

  /** Another browser holding copies of this one's cookies (all of them, or those named). */
  copy(names?: string[]): UserAgent {
    const other = new UserAgent(this.origin);
    for (const [key, cookie] of this.cookies) if (!names || names.includes(key.split('|')[0]!)) other.cookies.set(key, { ...cookie });
    return other;
  }

  cookie(name: string): string | undefined {
    return [...this.cookies.entries()].find(([key]) => key.startsWith(`${name}|`))?.[1].value;
  }

  /** The Cookie header this browser sends to a URL. */
  cookiesFor(url: URL): string {
    return this.cookieHeader(url);
  }

  private cookieHeader(url: URL): string {
    return [...this.cookies.entries()]
      .filter(([, cookie]) => url.pathname.startsWith(cookie.path))
      .sort(([, a], [, b]) => b.path.length - a.path.length)
      .map(([key, cookie]) => `${key.split('|')[0]}=${cookie.value}`)
      .join('; ');
  }

  private remember(setCookies: string[]) {
    this.setCookies.push(...setCookies);
    for (const header of setCookies) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const index = pair!.indexOf('=');
      const name = pair!.slice(0, index);
      const value = pair!.slice(index + 1);
      const attribute = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split('=')[1];
      const path = attribute('path') ?? '/';
      const expires = attribute('expires');
      const gone = value === '' || attribute('max-age') === '0' || (expires !== undefined && new Date(expires) < new Date());
      if (gone) this.cookies.delete(`${name}|${path}`);
      else this.cookies.set(`${name}|${path}`, { value, path });
    }
  }

  async request(method: 'GET' | 'POST', target: string, form?: Record<string, string>): Promise<Page> {
    const url = new URL(target, this.origin);
    const headers = {
      ...this.headers,
      cookie: this.cookieHeader(url),
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    };
    const body = form ? new URLSearchParams(form).toString() : undefined;
    if (Object.keys(this.headers).some((name) => name.toLowerCase() === 'host')) {
      // fetch will not send a Host header of our choosing.
      const response = await rawRequest(url.origin, { method, target: `${url.pathname}${url.search}`, headers, body });
      const setCookie = response.headers['set-cookie'];
      this.remember(Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []);
      const location = response.headers.location as string | undefined;
      const flat = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]));
      return { status: response.status, url: url.href, html: response.body, location: location && new URL(location, url).href, headers: flat };
    }
    const response = await fetch(url, { method, redirect: 'manual', headers, body });
    this.remember(response.headers.getSetCookie());
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, url: url.href, html: await response.text(), location: location && new URL(location, url).href, headers: Object.fromEntries(response.headers) };
  }

  get(target: string) {
    return this.request('GET', target);
  }

  post(target: string, form: Record<string, string>) {
    return this.request('POST', target, form);
  }

  /** Follows redirects until a page is shown or the browser would leave for `stopAt`. */
  async follow(target: string, stopAt?: string): Promise<Page> {
    let page = await this.get(target);
    for (let hops = 0; page.location && hops < 10; hops++) {
      if (stopAt && page.location.startsWith(stopAt)) return page;
      page = await this.get(page.location);
    }
    return page;
  }

  async submit(page: Page, formAction: RegExp | string, fields: Record<string, string> = {}, stopAt?: string): Promise<Page> {
    const form = findForm(page.html, formAction);
    const posted = await this.post(new URL(form.action, page.url).href, { ...form.fields, ...fields });
    if (!posted.location || (stopAt && posted.location.startsWith(stopAt))) return posted;
    return this.follow(posted.location, stopAt);
  }
}

export interface Form {
  action: string;
  fields: Record<string, string>;
}

const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

export function findForm(html: string, action: RegExp | string): Form {
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const formAction = decode(/action="([^"]*)"/.exec(match[1]!)?.[1] ?? '');
    if (typeof action === 'string' ? formAction !== action : !action.test(formAction)) continue;
    const fields: Record<string, string> = {};
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const attributes = input[1]!;
      const name = /name="([^"]*)"/.exec(attributes)?.[1];
      // Browsers send a checkbox or radio button only when it is checked.
      if (/type="(checkbox|radio)"/.test(attributes) && !/\bchecked\b/.test(attributes)) continue;
      if (name) fields[name] = decode(/value="([^"]*)"/.exec(attributes)?.[1] ?? '');
    }
    return { action: formAction, fields };
  }
  throw new Error(`no form with action ${action} in:\n${html.slice(0, 2000)}`);
}

/** The text of the page's alert banner, if any. */
export function alertText(html: string): string | undefined {
  const text = /role="alert"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1]?.trim();
  return text === undefined ? undefined : decode(text);
}

/** The text of the page's status banner (a notice), if any. */
export function noticeText(html: string): string | undefined {
  const text = /role="status"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1]?.trim();
  return text === undefined ? undefined : decode(text);
}
