/** Every `(device (<class> …))` block → disks, NICs, PCI, graphics; the rest warned about or skipped. */
import { isAtom, nameOf, type SxpList } from '../sxp/model.js';
import type { DiskModel, GraphicsModel, NicModel, OsType, PciHostdevModel } from './model.js';
import type { ReadContext } from './read-context.js';
import { orderDisks, readDisk } from './read-disks.js';
import { readVfb } from './read-graphics.js';
import { checkDuplicateMacs, readNic } from './read-nics.js';
import { readPci } from './read-pci.js';
import { warnUnknownDeviceKeys } from './device-keys.js';
import { atomVal, firstListItem, strVal } from './sxp-values.js';

export interface Devices {
  disks: DiskModel[];
  nics: NicModel[];
  hostdevs: PciHostdevModel[];
  graphics: GraphicsModel[];
}

export function readDevices(ctx: ReadContext, dom: SxpList, osType: OsType, image: SxpList | undefined): Devices {
  const out: Devices = { disks: [], nics: [], hostdevs: [], graphics: [] };
  for (let i = 1; i < dom.items.length; i++) {
    const item = dom.items[i];
    if (nameOf(item) !== 'device') continue;
    const dev = firstListItem(item as SxpList);
    const cls = dev && isAtom(dev.items[0]) ? dev.items[0].value : undefined;
    if (!dev || !cls) continue;
    if (cls !== 'pci') warnUnknownDeviceKeys(ctx, cls, dev);
    switch (cls) {
      case 'vbd':
      case 'tap':
      case 'tap2': {
        const d = readDisk(ctx, dev, osType);
        if (d) out.disks.push(d);
        break;
      }
      case 'vif':
        out.nics.push(readNic(ctx, dev, osType, out.nics.length));
        break;
      case 'pci':
        out.hostdevs.push(...readPci(ctx, dev));
        break;
      case 'vfb': {
        const g = readVfb(ctx, dev, image);
        if (!g) break;
        if (out.graphics.length > 0) ctx.warn('GRAPHICS_EXTRA_DROPPED', 'libxl gives a guest one framebuffer; this extra vfb is dropped', dev);
        else out.graphics.push(g);
        break;
      }
      case 'vkbd':
      case 'console':
        // Created automatically by xend (and again by libxl).
        break;
      case 'vif2':
        ctx.warn('VIF2_DROPPED', `netchannel2 NIC${strVal(dev, 'front_mac') ? ` ${strVal(dev, 'front_mac')}` : ''} dropped: vif2 no longer exists; re-add it as a normal vif`, dev);
        break;
      case 'vscsi':
        ctx.warn('VSCSI_DROPPED', 'PV SCSI passthrough (vscsi) dropped: libxl has no PVSCSI; pass the disks as phy: block devices or the HBA as a PCI device', dev);
        break;
      case 'vusb':
        ctx.warn('VUSB_DROPPED', 'PV USB passthrough (vusb) dropped: redefine the ports with <controller type=\'usb\' model=\'qusb2\'> and <hostdev type=\'usb\'>', dev);
        break;
      case 'vtpm':
        ctx.warn('VTPM_DROPPED', `vTPM${strVal(dev, 'pref_instance') ? ` instance ${strVal(dev, 'pref_instance')}` : ''} dropped: xend's vTPM manager state cannot move to libxl's vTPM stub domains; the guest loses its TPM contents`, dev);
        break;
      case 'ioports':
      case 'irq':
        ctx.warn('IOPORTS_IRQ_DROPPED', `${cls} passthrough ${describeIo(dev)} dropped: libvirt's libxl driver cannot grant raw I/O ports or IRQs`, dev);
        break;
      default:
        ctx.warn('UNKNOWN_DEVICE', `device class '${cls}' is unknown (xend itself would have refused it); dropped`, dev);
    }
  }
  out.disks = orderDisks(out.disks, osType);
  checkDuplicateMacs(ctx, out.nics);
  return out;
}

function describeIo(dev: SxpList): string {
  const from = atomVal(dev, 'from')?.value;
  const to = atomVal(dev, 'to')?.value;
  const irq = atomVal(dev, 'irq')?.value;
  return irq ? `IRQ ${irq}` : from ? `ports ${from}-${to ?? from}` : '';
}
