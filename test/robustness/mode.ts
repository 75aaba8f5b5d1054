// The robustness suite's two sizes: a short form inside `npm test` (CI), and the full form that
// `npm run test:robustness` selects with TWOFOLD_ROBUSTNESS=full.
import { appendFileSync } from 'node:fs';

export const full = process.env.TWOFOLD_ROBUSTNESS === 'full';

/** The short or the full figure. */
export const sized = <T>(short: T, whole: T): T => (full ? whole : short);

/** Prints a figure line (through jest's console: what a test worker writes to stdout directly can
 * be lost when jest runs several files), and adds it to the file `npm run test:robustness`
 * prints once every test file has run. */
export function report(line: string) {
  const text = `robustness (${full ? 'full' : 'short'}): ${line}`;
  console.log(text);
  if (process.env.TWOFOLD_ROBUSTNESS_FIGURES) appendFileSync(process.env.TWOFOLD_ROBUSTNESS_FIGURES, `${text}\n`);
}
