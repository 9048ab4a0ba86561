/**
 * GDPR truncation of client IPs (`profile.truncateClientIp`): IPv4 keeps its /24, IPv6 its /48.
 * Every standard IPv6 form is recognised (full, compressed, IPv4-mapped or -embedded, with a
 * zone, in brackets with a port): node's own parser decides what an address is.
 */
import { isIPv4, isIPv6 } from 'node:net';

// Candidates are cut generously and then checked by node:net, so the regex never has to
// encode the IPv6 grammar (the hand-written one missed `2001:db8:85a3::8a2e:370:7334`).
const IPV6_CANDIDATE = /(?<![\w:.%])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?:%(?:25)?[\w.~-]+)?(?![\w:.])/g;
const IPV4_CANDIDATE = /(?<![\w.])\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?![\w]|\.\d)/g;

/**
 * One address: `203.0.113.77` -> `203.0.113.0`, `2001:db8:85a3::8a2e:370:7334` -> `2001:db8:85a3::`,
 * `::ffff:203.0.113.77` -> `::ffff:203.0.113.0` (an IPv4 client seen by a dual-stack socket).
 * Anything that is not an address is returned unchanged.
 */
export function truncateIp(ip: string): string {
  if (isIPv4(ip)) return ip.replace(LAST_OCTET, '.0');
  const address = ip.replace(ZONE, '');
  if (!isIPv6(ip) || !isIPv6(address)) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return `${address.slice(0, -mapped[1].length)}${truncateIp(mapped[1])}`;
  const groups = ipv6Groups(address);
  return `${groups.slice(0, 3).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::`;
}

const LAST_OCTET = /\.\d{1,3}$/;
const ZONE = /%.*$/;

// Addresses truncated by the replace under way: one replacer for every call, not a closure per
// call (this runs for the client IP of every line under GDPR). Replacers never nest.
let truncatedNow = 0;
const truncateCandidate = (m: string): string => {
  const t = truncateIp(m);
  if (t !== m) truncatedNow++;
  return t;
};

/** Truncates every address in a value such as `198.51.100.23, 10.0.0.7` or `for=[2001:db8::1]:443`; `onTruncate` counts them. */
export function truncateIps(text: string, onTruncate: () => void): string {
  truncatedNow = 0;
  const v6 = text.includes(':') ? text.replace(IPV6_CANDIDATE, truncateCandidate) : text;
  const out = v6.replace(IPV4_CANDIDATE, truncateCandidate);
  for (let n = truncatedNow; n > 0; n--) onTruncate();
  return out;
}

/** The eight 16-bit groups of a valid IPv6 address (an embedded IPv4 tail becomes two groups). */
function ipv6Groups(address: string): string[] {
  let text = address.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  return [...headGroups, ...Array<string>(Math.max(0, missing)).fill('0'), ...tailGroups];
}
