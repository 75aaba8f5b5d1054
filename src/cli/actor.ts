// Who ran a command, for the audit log: the operating-system user, since the CLI runs on the
// server with the store's own rights and has no sign-in of its own.
import { userInfo } from 'node:os';

export function cliActor(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.LOGNAME ?? `uid ${process.getuid?.() ?? '?'}`;
  }
  return `cli:${name}`;
}
