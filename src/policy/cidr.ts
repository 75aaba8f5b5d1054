// CIDR blocks for IPv4 and IPv6, with IPv4-mapped IPv6 addresses (::ffff:a.b.c.d)
// treated as the IPv4 address they carry.
import { isIP } from 'node:net';

export interface Cidr {
  text: string;
  bits: bigint;
  prefix: number;
  width: 32 | 128;
  /** For IPv4, the network and mask as plain numbers: matching then needs no BigInt. */
  v4?: { network: number; mask: number };
}

function ipv4ToBigInt(address: string): bigint {
  return address.split('.').reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  const embedded = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (embedded) {
    const v4 = ipv4ToBigInt(embedded[1]!);
    text = `${text.slice(0, -embedded[1]!.length)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill('0'), ...tailGroups];
  return groups.reduce((value, group) => (value << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** An address as (value, width), unwrapping IPv4-mapped IPv6; undefined when it is not an IP. */
export function parseAddress(address: string): { value: bigint; width: 32 | 128; v4?: number } | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const kind = isIP(bare);
  const v4 = (value: bigint) => ({ value, width: 32 as const, v4: Number(value) });
  if (kind === 4) return v4(ipv4ToBigInt(bare));
  if (kind !== 6) return undefined;
  const value = ipv6ToBigInt(bare);
  if (value >> 32n === 0xffffn) return v4(value & 0xffffffffn);
  return { value, width: 128 };
}

function formatAddress(value: bigint, width: 32 | 128): string {
  if (width === 32) return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((value >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // Compress the longest run of zero groups, as RFC 5952 prints addresses.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; i++) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

/** A CIDR block, or a message saying what is wrong with it. */
export function parseCidr(text: string): Cidr | string {
  const [address, prefixText, extra] = text.trim().split('/');
  const parsed = address ? parseAddress(address) : undefined;
  if (!parsed || extra !== undefined) return `'${text}' is not a CIDR block such as 203.0.113.0/24 or 2001:db8::/32`;
  const prefix = prefixText === undefined ? parsed.width : Number(prefixText);
  if (!/^\d+$/.test(prefixText ?? '0') || prefix > parsed.width) return `'${text}' has a prefix length outside 0 to ${parsed.width}`;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(parsed.width - prefix);
  if ((parsed.value & ~mask & ((1n << BigInt(parsed.width)) - 1n)) !== 0n) {
    return `'${text}' has host bits set: did you mean ${formatAddress(parsed.value & mask, parsed.width)}/${prefix}?`;
  }
  const v4 = parsed.width === 32 ? { network: Number(parsed.value), mask: Number(mask) } : undefined;
  return { text: text.trim(), bits: parsed.value, prefix, width: parsed.width, ...(v4 ? { v4 } : {}) };
}

export function cidrContainsAddress(cidr: Cidr, address: { value: bigint; width: 32 | 128; v4?: number }): boolean {
  if (address.width !== cidr.width) return false;
  // The mask is at most 32 bits wide, so an unsigned 32-bit AND does the job.
  if (cidr.v4 && address.v4 !== undefined) return ((address.v4 & cidr.v4.mask) >>> 0) === cidr.v4.network;
  const shift = BigInt(cidr.width - cidr.prefix);
  return address.value >> shift === cidr.bits >> shift;
}
