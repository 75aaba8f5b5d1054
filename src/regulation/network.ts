// The network an attempt comes from: an IPv4 address, or the /64 of an IPv6 address
// (one household or phone gets a whole /64, so counting single addresses is no limit).
import { parseAddress } from '../policy/cidr.js';

export function networkOf(ip: string): string {
  const parsed = parseAddress(ip);
  // Never a bucket per made-up string: anything that is not an address shares one.
  if (!parsed) return 'not-an-address';
  if (parsed.width === 32) return [24n, 16n, 8n, 0n].map((shift) => String((parsed.value >> shift) & 0xffn)).join('.');
  const prefix = parsed.value >> 64n;
  return `${[48n, 32n, 16n, 0n].map((shift) => ((prefix >> shift) & 0xffffn).toString(16)).join(':')}::/64`;
}
