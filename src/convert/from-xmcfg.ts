/**
 * Facade of the xm/xl importer: a `/etc/xen/NAME.cfg` in, the same
 * ConversionResult as for a xend config.sxp out. The config is read as data
 * (src/xmcfg), turned into the SXP xm create would have built, and read by the
 * shared xend reader into the one DomainModel and the one XML writer. Pure: no I/O.
 */
import { Xend2LibxlError } from '../errors.js';
import { parseXmConfig, type XmConfig, type XmDialect } from '../xmcfg/index.js';
import { settingValue, scalarText } from '../xmcfg/model.js';
import { bySourcePosition, type ConversionResult, type ConvertOptions } from './api.js';
import type { DomainModel } from './model.js';
import { modelToXml } from './model-to-xml.js';
import { ReadContext } from './read-context.js';
import { readXendDomain } from './read-xend-config.js';
import { validateModel } from './validate-model.js';
import { buildVmSxp } from './xmcfg-build.js';
import { pair } from './xmcfg-sxp.js';
import { derivedMac, derivedUuid } from './xmcfg-uuid.js';

export interface XmConvertOptions extends ConvertOptions {
  /** `xm`, `xl`, or `auto` (default): which syntax and which meaning of an HVM `kernel`. */
  dialect?: XmDialect;
  /** An /etc/xen/auto link points at this file: xendomains started it at boot. */
  autostart?: boolean;
  /** Absolute path the stable uuid of a config without one is derived from (default: `file`). */
  uuidPath?: string;
}

export interface XmConversionResult extends ConversionResult {
  /** Set when the config had no uuid: the derived one and what it was derived from. */
  derivedUuid?: { uuid: string; from: string };
}

export function convertXmConfigText(input: string | Uint8Array, opts: XmConvertOptions = {}): XmConversionResult {
  let cfg: XmConfig;
  try {
    cfg = parseXmConfig(input, { file: opts.file, dialect: opts.dialect });
  } catch (e) {
    if (e instanceof Xend2LibxlError) return { ok: false, warnings: [], error: e };
    throw e;
  }
  return convertXmConfig(cfg, opts);
}

export function convertXmConfig(cfg: XmConfig, opts: XmConvertOptions = {}): XmConversionResult {
  const ctx = new ReadContext(opts.file, opts.xendDefaults);
  let domain: DomainModel | undefined;
  let derived: XmConversionResult['derivedUuid'];
  try {
    const built = buildVmSxp(ctx, cfg, opts.dialect ?? 'auto');
    const vm = built.doc.forms[0];
    const name = scalarText(settingValue(cfg, 'name'));
    if (!settingValue(cfg, 'uuid') && name !== undefined && vm.kind === 'list') {
      const from = opts.uuidPath ?? opts.file;
      derived = { uuid: derivedUuid(from, name), from: from ? `path ${from} and name '${name}'` : `name '${name}' (no file path)` };
      vm.items.push(pair('uuid', derived.uuid, vm.pos));
      ctx.warn('UUID_DERIVED', `the config has no uuid (xm and xl make up a new one at every start); using ${derived.uuid}, derived from the ${derived.from}, so a re-run defines the same domain. Add uuid = "${derived.uuid}" to the file to keep it if the file moves`, { pos: vm.pos });
    }
    domain = readXendDomain(ctx, built.doc);
    domain.autostart = opts.autostart ?? false;
    applyDiskExtras(domain, built.diskExtras);
    deriveMissingMacs(ctx, domain);
    if (built.upstreamQemu) dropWarning(ctx, 'QEMU_TRADITIONAL_REPLACED');
    validateModel(ctx, domain);
    return { ok: true, domain, xml: modelToXml(domain), warnings: bySourcePosition(ctx.warnings), derivedUuid: derived };
  } catch (e) {
    if (e instanceof Xend2LibxlError) return { ok: false, domain, warnings: bySourcePosition(ctx.warnings), error: e, derivedUuid: derived };
    throw e;
  }
}

/** xl's `backendtype=` says what a uname cannot: qdisk on a block device, phy on an image. */
function applyDiskExtras(domain: DomainModel, extras: ReturnType<typeof buildVmSxp>['diskExtras']): void {
  for (const x of extras) {
    const d = domain.disks.find((k) => k.target === x.vdev);
    if (!d || !x.backendtype) continue;
    if (x.backendtype === 'qdisk') d.driver = 'qemu';
    else if (x.backendtype === 'phy') d.driver = 'phy';
  }
}

/** Stable MACs for vifs without one; the NIC_MAC_MISSING warning then says which address the guest gets. */
function deriveMissingMacs(ctx: ReadContext, domain: DomainModel): void {
  if (!domain.uuid) return;
  domain.nics.forEach((n, i) => {
    if (n.mac) return;
    n.mac = derivedMac(domain.uuid!, i);
    const w = ctx.warnings.find((x) => x.code === 'NIC_MAC_MISSING' && x.message.startsWith(`NIC ${i} `));
    if (w) w.message = `NIC ${i} has no MAC address (xm drew a new one at every start); it gets ${n.mac}, derived from the domain's uuid, so it stays the same across re-runs — the guest still sees a new NIC once (udev may rename it, DHCP leases change)`;
  });
}

function dropWarning(ctx: ReadContext, code: string): void {
  for (let i = ctx.warnings.length - 1; i >= 0; i--) if (ctx.warnings[i].code === code) ctx.warnings.splice(i, 1);
}
