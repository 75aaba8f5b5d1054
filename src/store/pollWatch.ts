// Watching by polling: calls back every `pollMs` until closed. The SQLite adapter always
// watches this way (another process writing the same file cannot tell this one), and the
// MongoDB adapter falls back to it where the server cannot stream changes.
import type { PushWatch } from './types.js';

export function pollWatch(onChange: () => void, pollMs: number): PushWatch {
  let timer: NodeJS.Timeout | undefined = setInterval(onChange, Math.max(10, pollMs));
  // A watch must never keep a process alive on its own (a stopping node closes its streams).
  timer.unref();
  return {
    how: 'polling',
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
