// The robustness suite's two sizes: a short form inside `npm test` (CI), and the full form that
// `npm run test:robustness` selects with TWOFOLD_ROBUSTNESS=full.
import { appendFileSync } from 'node:fs';

export const full = process.env.TWOFOLD_ROBUSTNESS === 'full';

/** The short or the full figure. */
export const sized = <T>(short: T, whole: T): T => (full ? whole : short);

/** Prints a figure line straight to the terminal (jest's console adds a stack to every line), and
 * adds it to the file `npm run test:robustness` prints once every test file has run. */
export function report(line: string) {
  const text = `robustness (${full ? 'full' : 'short'}): ${line}\n`;
  process.stdout.write(text);
  if (process.env.TWOFOLD_ROBUSTNESS_FIGURES) appendFileSync(process.env.TWOFOLD_ROBUSTNESS_FIGURES, text);
}
