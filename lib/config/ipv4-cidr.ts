/**
 * What is wrong with an IPv4 CIDR block as written, or undefined when it is a valid network
 * address. Host bits are refused rather than masked: `10.40.5.7/16` would silently become a
 * different network than the one written (and overlap peered or on-premises ranges).
 */
export function ipv4CidrProblem(cidr: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!match) return `"${cidr}" is not an IPv4 CIDR block like 10.40.0.0/16`;
  const octets = match.slice(1, 5).map(Number);
  const bad = octets.find((o) => o > 255);
  if (bad !== undefined) return `"${cidr}" is not an IPv4 address: ${bad} is above 255 (each of the four numbers is 0-255)`;
  const prefix = Number(match[5]);
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = address - (address % size);
  if (network !== address) {
    const written = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
    return `"${cidr}" has host bits set: the /${prefix} network that contains it is ${written}/${prefix}; write that (or the network you meant)`;
  }
  return undefined;
}
