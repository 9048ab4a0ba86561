import { BlockList, isIP } from 'node:net';

/**
 * IP allowlists (IPv4 and IPv6 CIDRs). Matched against the real client IP (RequestFacts.clientIp:
 * the header CloudFront sets from the viewer's address, else API Gateway's sourceIp), never
 * `X-Forwarded-For`, which any client can pre-fill with an address from the allowlist.
 */
const compiled = new WeakMap<readonly string[], BlockList | null>();

/** True when `ip` is inside one of `cidrs`. Invalid entries match nothing (fail closed). */
export function ipAllowed(ip: string, cidrs: readonly string[]): boolean {
  let list = compiled.get(cidrs);
  if (list === undefined) {
    list = compile(cidrs);
    compiled.set(cidrs, list);
  }
  const addr = normaliseIp(ip);
  if (!list || !addr) return false;
  return list.check(addr, isIP(addr) === 6 ? 'ipv6' : 'ipv4');
}

/** Strips an IPv4-mapped IPv6 prefix (`::ffff:1.2.3.4`); undefined when not an IP. */
export function normaliseIp(ip: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1] : ip;
  return isIP(addr) ? addr : undefined;
}

function compile(cidrs: readonly string[]): BlockList | null {
  const list = new BlockList();
  let any = false;
  for (const cidr of cidrs) {
    const [addr, bits, extra] = cidr.trim().split('/');
    const family = isIP(addr);
    if (!family || extra !== undefined) continue;
    const max = family === 4 ? 32 : 128;
    const prefix = bits === undefined ? max : Number(bits);
    if (!/^\d{1,3}$/.test(bits ?? String(max)) || prefix > max) continue;
    list.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
    any = true;
  }
  return any ? list : null;
}
