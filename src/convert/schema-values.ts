/**
 * Values libvirt's domain schema (domain.rng / basictypes.rng) accepts where a config value lands in
 * an attribute with a pattern. A value outside them would give XML that fails validation, so the
 * readers check here and refuse the input, or drop the value with a warning, always with a position.
 */
import { isIP } from 'node:net';

/** `<source bridge>`: interface-bridge-attributes. */
export const isSchemaBridge = (s: string) => /^[a-zA-Z0-9_.\-\\:/ ]*$/.test(s);
/** `<target dev>` of an interface: deviceName. */
export const isSchemaDeviceName = (s: string) => /^[a-zA-Z0-9_.\-\\:/]+$/.test(s);
/** `<model type>` of an interface. */
export const isSchemaNicModel = (s: string) => /^[a-zA-Z0-9\-_]+$/.test(s);
/** `listen` of graphics: addrIPorName (an IP address or a DNS name). */
export const isSchemaListen = (s: string) => isIP(s) !== 0 || /^[a-zA-Z0-9.-]+$/.test(s);

/** `<ip address [prefix]>`: an address, optionally `/prefix` (0-32 IPv4, 0-128 IPv6). */
export function schemaIp(s: string): { address: string; prefix?: number } | undefined {
  const [address, prefix, extra] = s.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return undefined;
  if (prefix === undefined) return { address };
  const n = /^\d{1,3}$/.test(prefix) ? Number(prefix) : Number.NaN;
  return n <= (family === 4 ? 32 : 128) ? { address, prefix: n } : undefined;
}
