// The robustness suite's two sizes: a short form inside `npm test` (CI), and the full form that
// `npm run test:robustness` selects with TWOFOLD_ROBUSTNESS=full.
export const full = process.env.TWOFOLD_ROBUSTNESS === 'full';

/** The short or the full figure. */
export const sized = <T>(short: T, whole: T): T => (full ? whole : short);

/** Prints a figure line straight to the terminal (jest's console adds a stack to every line). */
export function report(line: string) {
  process.stdout.write(`robustness (${full ? 'full' : 'short'}): ${line}\n`);
}
