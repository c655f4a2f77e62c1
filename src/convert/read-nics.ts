/** `(device (vif …))` → NicModel: bridge vs routed, script, model, rate, ips. */
import type { SxpList } from '../sxp/model.js';
import type { NicModel, OsType } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, strVal } from './sxp-values.js';
import { parseVifRate } from './vif-rate.js';
import { quote } from './quote.js';
import { isSchemaBridge, isSchemaDeviceName, isSchemaNicModel, schemaIp } from './schema-values.js';

const MAC_RE = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Script basenames that mean "plug into a bridge" (xend's default, and Solaris xVM's). */
const BRIDGE_SCRIPTS = new Set(['vif-bridge', 'vif-vnic']);

export function readNic(ctx: ReadContext, vif: SxpList, osType: OsType, index: number): NicModel {
  const macAtom = atomVal(vif, 'mac');
  let mac: string | undefined;
  if (macAtom) {
    if (!MAC_RE.test(macAtom.value)) ctx.fail('INVALID_MAC', `NIC ${index} has a malformed MAC address '${macAtom.value}'`, macAtom, 'Use six colon-separated hex pairs, e.g. 00:16:3e:12:34:56.');
    mac = macAtom.value.toLowerCase();
  } else {
    ctx.warn('NIC_MAC_MISSING', `NIC ${index} has no MAC address; libvirt will generate one, so the guest sees a new NIC (udev may rename it, DHCP leases change)`, vif);
  }
  const bridge = strVal(vif, 'bridge');
  const bridgeAtom = atomVal(vif, 'bridge');
  if (bridge !== undefined && !isSchemaBridge(bridge)) {
    ctx.fail('INVALID_NIC', `NIC ${index}: bridge name ${quote(bridge)} is not one libvirt accepts (letters, digits, _ . - : / and spaces)`, bridgeAtom, 'Use the name of the bridge on the new host, e.g. (bridge xenbr0).');
  }
  const script = strVal(vif, 'script') ?? nonDefaultScript(ctx.defaults.vifScript);
  const scriptBase = script?.split('/').pop();
  // libvirt's bridge type needs a bridge name; without one the NIC stays 'ethernet' and keeps the
  // script, whose vif-bridge picks the host's first bridge exactly as it did under xend.
  const bridged = bridge !== undefined;
  if (!bridged && (scriptBase === undefined || BRIDGE_SCRIPTS.has(scriptBase))) {
    ctx.warn(
      'NIC_NO_BRIDGE',
      `NIC ${index} names no bridge; the vif-bridge script will plug it into the first bridge it finds on the new host, which may not be the network the guest had. Set <source bridge=…> to be sure`,
      vif,
    );
  }
  const nic: NicModel = { type: bridged ? 'bridge' : 'ethernet', mac, script: script ?? (bridged ? undefined : 'vif-bridge'), pos: vif.pos, ips: [] };
  if (bridge) nic.bridge = bridge;
  const ipAtom = atomVal(vif, 'ip');
  for (const ip of ipAtom ? ipAtom.value.split(/\s+/).filter(Boolean) : []) {
    if (schemaIp(ip)) nic.ips.push(ip);
    else ctx.warn('INVALID_VALUE', `NIC ${index}: ip ${quote(ip)} is not an IP address (with an optional /prefix); it is dropped (the vif script no longer gets it)`, ipAtom);
  }
  const vifnameAtom = atomVal(vif, 'vifname');
  if (vifnameAtom && !isSchemaDeviceName(vifnameAtom.value)) {
    ctx.fail('INVALID_NIC', `NIC ${index}: vifname ${quote(vifnameAtom.value)} is not an interface name libvirt accepts`, vifnameAtom, 'Use letters, digits and _ . - : only, or remove vifname.');
  }
  if (vifnameAtom) nic.vifname = vifnameAtom.value;
  const modelAtom = atomVal(vif, 'model');
  if (modelAtom && !isSchemaNicModel(modelAtom.value)) {
    ctx.fail('INVALID_NIC', `NIC ${index}: model ${quote(modelAtom.value)} is not a NIC model name libvirt accepts`, modelAtom, 'Use a model such as e1000, rtl8139 or netfront.');
  }
  const model = modelAtom?.value;
  const type = strVal(vif, 'type');
  if (model) nic.model = model;
  else if (osType === 'hvm' && type === 'netfront') nic.model = 'netfront';
  const rateAtom = atomVal(vif, 'rate');
  if (rateAtom) {
    const kib = parseVifRate(rateAtom.value);
    if (kib === undefined) ctx.warn('INVALID_VALUE', `NIC ${index}: rate '${rateAtom.value}' is not a rate xend understood; the NIC is left unlimited`, rateAtom);
    else nic.rateKiBps = kib;
  }
  const accel = atomVal(vif, 'accel');
  if (accel) ctx.warn('NIC_ACCEL_DROPPED', `NIC ${index}: the netfront accelerator '${accel.value}' no longer exists; the NIC runs without it`, accel);
  for (const key of ['policy', 'label', 'security_label']) {
    const a = atomVal(vif, key);
    if (a) ctx.warn('ACM_LABEL_DROPPED', `NIC ${index}: ACM ${key} '${a.value}' dropped — Xen removed ACM in 4.2; use FLASK/XSM labels if you need isolation`, a);
  }
  return nic;
}

function nonDefaultScript(s: string | undefined): string | undefined {
  return s && s.split('/').pop() !== 'vif-bridge' ? s : undefined;
}

export function checkDuplicateMacs(ctx: ReadContext, nics: NicModel[]): void {
  const seen = new Set<string>();
  for (const n of nics) {
    if (!n.mac) continue;
    if (seen.has(n.mac)) ctx.warn('NIC_DUPLICATE_MAC', `MAC ${n.mac} is used by two NICs of this guest; both get it, which confuses the guest network stack`, n.pos ? { pos: n.pos } : undefined);
    seen.add(n.mac);
  }
}
