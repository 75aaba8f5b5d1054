// What one line of a CSV file or one key package of a PSKC file becomes, whatever the format.
import type { OtpAlgorithm } from '../../otpCodes.js';
import type { TokenKind } from '../tokenCodes.js';

export interface ImportedToken {
  /** Where it came from, for messages: "line 3", "key package 2". */
  where: string;
  serial: string;
  /** The seed, as hex. */
  secret: string;
  kind: TokenKind;
  digits: 6 | 8;
  /** Seconds per code (TOTP); 30 for HOTP tokens, which do not use it. */
  period: number;
  algorithm: OtpAlgorithm;
  /** HOTP: the counter of the next code the token will show. */
  counter: number;
  manufacturer: string | null;
  model: string | null;
  /** The person it goes to (a username), or null for stock. */
  upn: string | null;
}

/** Every problem found in a file, each naming its line or key package: nothing is imported. */
export type Parsed = { tokens: ImportedToken[]; problems: string[] };

export const allowedPeriods = [30, 60];
