// A browser for the load client: keep-alive connections shared by every simulated person,
// one cookie jar per sign-in, redirects followed by hand, forms read out of the pages.
import { Agent, request } from 'node:http';

export interface Response {
  status: number;
  url: URL;
  location?: URL;
  body: string;
}

export interface Form {
  action: URL;
  fields: Record<string, string>;
  /** Names of the form's text-like inputs, to tell a password form from a code form. */
  inputs: string[];
}

const decode = (text: string) => text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&#x2F;/g, '/').replace(/&lt;/g, '<').replace(/&gt;/g, '>');

export function createAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });
}

export class Browser {
  private jar = new Map<string, { value: string; path: string }>();
  /** HTTP requests made so far: the round trips a person's browser would make. */
  requests = 0;

  constructor(private readonly agent: Agent) {}

  private cookieHeader(url: URL): string {
    return [...this.jar.entries()]
      .filter(([, c]) => url.pathname.startsWith(c.path))
      .map(([key, c]) => `${key.slice(0, key.indexOf('|'))}=${c.value}`)
      .join('; ');
  }

  private remember(headers: string[] | undefined) {
    for (const header of headers ?? []) {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const at = pair!.indexOf('=');
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const gone = value === '' || attributes.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && new Date(a.slice(8)) < new Date()));
      if (gone) this.jar.delete(`${name}|${path}`);
      else this.jar.set(`${name}|${path}`, { value, path });
    }
  }

  send(method: 'GET' | 'POST', url: URL, form?: Record<string, string>): Promise<Response> {
    this.requests++;
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { accept: 'text/html', 'user-agent': 'twofold-bench' };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        this.remember(res.headers['set-cookie']);
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const location = res.headers.location;
          resolve({ status: res.statusCode ?? 0, url, location: location ? new URL(location, url) : undefined, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Follows redirects from `url` until a page is shown or the browser would leave for `stopAt`. */
  async follow(first: Response, stopAt: string): Promise<Response> {
    let response = first;
    for (let hops = 0; response.location && !response.location.href.startsWith(stopAt); hops++) {
      if (hops > 10) throw new Error(`too many redirects, last to ${response.location.href}`);
      response = await this.send('GET', response.location);
    }
    return response;
  }
}

export function forms(page: Response): Form[] {
  return [...page.body.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)].map((match) => {
    const action = new URL(decode(/action="([^"]*)"/.exec(match[1]!)?.[1] ?? page.url.pathname), page.url);
    const fields: Record<string, string> = {};
    const inputs: string[] = [];
    for (const input of match[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const attributes = input[1]!;
      const name = /name="([^"]*)"/.exec(attributes)?.[1];
      if (!name) continue;
      const type = /type="([^"]*)"/.exec(attributes)?.[1] ?? 'text';
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(attributes)) continue;
      if (type !== 'hidden') inputs.push(name);
      fields[name] = decode(/value="([^"]*)"/.exec(attributes)?.[1] ?? '');
    }
    return { action, fields, inputs };
  });
}
