// What a text says and what a call speaks. The organisation is named so a person can tell a
// real message from a phishing one, and the text says never to share the code.

export function codeText(organisation: string, code: string): string {
  return `${code} is your ${organisation} sign-in code. Don't share it with anyone: ${organisation} will never ask you for it.`;
}

export function callGreeting(organisation: string, mode: 'confirm' | 'pin'): string {
  const ask = mode === 'pin' ? 'enter your PIN followed by the # key' : 'press the # key to finish signing in';
  return `This is ${organisation}. Someone is signing in to your account. If it is you, ${ask}. If it is not you, press 0 then the # key to report it.`;
}

export const callReplies = {
  thanks: 'Thank you. You can hang up now.',
  fraud: 'Thank you. The sign-in has been stopped and reported. Goodbye.',
  noAnswer: 'We did not receive an answer. Goodbye.',
  confirmFraud: 'To report this sign-in as not yours, press the # key.',
};
