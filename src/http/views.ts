// Nunjucks templates with autoescaping; one environment for every page.
import nunjucks from 'nunjucks';
import { viewsDir } from '../paths.js';

export interface Views {
  render(template: string, data?: Record<string, unknown>): string;
}

export function createViews(globals: Record<string, unknown> = {}, dir: string = viewsDir): Views {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { autoescape: true, throwOnUndefined: false });
  for (const [name, value] of Object.entries(globals)) env.addGlobal(name, value);
  return { render: (template, data = {}) => env.render(template, data) };
}
