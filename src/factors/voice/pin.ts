// The PIN a call may ask for: 4 to 8 digits, and not one a stranger would try first (one digit
// repeated, a run up or down the keypad, a pair repeated). Stored as an argon2id hash.

export const pinRules = { minLength: 4, maxLength: 8 } as const;

/** Why the PIN cannot be used, or undefined. */
export function pinProblem(pin: string): string | undefined {
  if (!/^\d+$/.test(pin)) return 'A PIN has digits only.';
  if (pin.length < pinRules.minLength || pin.length > pinRules.maxLength) return `A PIN is ${pinRules.minLength} to ${pinRules.maxLength} digits long.`;
  const digits = [...pin].map(Number);
  const steps = new Set(digits.slice(1).map((digit, i) => (digit - digits[i]! + 10) % 10));
  if (steps.size === 1 && (steps.has(0) || steps.has(1) || steps.has(9))) return 'That PIN is too easy to guess: avoid one digit repeated and runs such as 1234 or 9876.';
  if (pin.length % 2 === 0 && pin === pin.slice(0, 2).repeat(pin.length / 2)) return 'That PIN is too easy to guess: avoid a pair of digits repeated, such as 1212.';
  return undefined;
}
