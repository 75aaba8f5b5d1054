// Values that came from a request (a typed username, a user agent, a client's name), made safe
// to print on one line of a terminal or log: they cannot end the line, pass for another field,
// reorder the text or send the terminal escape sequences. Stores keep the exact value.

// C0 and C1 controls (ESC, CSI, newlines), DEL, Unicode line and paragraph separators, and
// the bidirectional overrides and isolates that can make a line read differently than it is.
const controls = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

const escapeOne = (char: string) => {
  if (named[char]) return named[char]!;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
};

/** The text with every control character (and the backslash, so escapes stay unambiguous)
 * written as a visible escape: `\n`, `\x1b`, `\u202e`. */
export function escapeControls(text: string): string {
  return text.replace(new RegExp(`${controls.source}|\\\\`, 'g'), escapeOne);
}

/** The text in double quotes, escaped so it cannot end the quotes or the line. */
export function quoted(text: string): string {
  return `"${escapeControls(text).replace(/"/g, '\\"')}"`;
}

/** `name=value`, the value bare when it is a plain token (an id, an address), quoted otherwise. */
export function field(name: string, value: string, { alwaysQuote = false } = {}): string {
  return `${name}=${!alwaysQuote && /^[\w.@:+/-]+$/.test(value) ? value : quoted(value)}`;
}

/** JSON text with the characters JSON.stringify leaves raw (DEL, C1 controls, U+2028/2029,
 * bidirectional controls) escaped as \uXXXX: still the same JSON, safe on a terminal. */
export function terminalSafeJson(json: string): string {
  return json.replace(controls, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
