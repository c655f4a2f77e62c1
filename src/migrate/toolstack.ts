/**
 * Which toolstack answers behind a libvirt URI, from the daemon itself rather than from
 * the URI's scheme (xend and libxl hosts are both `xen://`). A live migration works only
 * between hosts of the same toolstack: libvirt's legacy Xen driver migrates through xend's
 * relocation server, the libxl driver speaks libxl's own stream, qemu its own — so across
 * a boundary the only way is a cold move (issue 15).
 *
 * Evidence, in this order:
 * - `virsh version`, "Running hypervisor: TYPE VERSION": QEMU vs Xen. libvirt 9's libxl
 *   driver on the Xen rig prints `Running hypervisor: Xen 4.17.0`.
 * - For Xen, `virsh capabilities`: the legacy xend driver lists the `xenmigr` migration
 *   transport (`<uri_transport>xenmigr</uri_transport>`, its relocation protocol); libxl lists
 *   no transport (seen on the rig: `<migration_features><live/></migration_features>`).
 * - A local legacy connection also prints `Using API: Xen 3.0.1` (the xend driver's fixed
 *   API version); libxl prints the libvirt version there (`Using API: Xen 9.0.0`).
 */
import { Libvirt } from '../libvirt/client.js';
import type { VirshRunner } from '../libvirt/runner.js';

export type Toolstack = 'xend' | 'libxl' | 'qemu' | 'other';

export interface ToolstackId {
  toolstack: Toolstack;
  /** "Xen 4.17.0", "QEMU 7.2.0", as the daemon said it. */
  hypervisor: string;
}

/** `virsh version` → the hypervisor line and the API line (either may be missing). */
export function parseVersion(text: string): { hypervisor?: string; api?: string } {
  const line = (label: string) => new RegExp(`^${label}:\\s*(.+?)\\s*$`, 'm').exec(text)?.[1];
  return { hypervisor: line('Running hypervisor'), api: line('Using API') };
}

/** Classify from the texts of `virsh version` and (for Xen) `virsh capabilities`. */
export function toolstackOf(versionText: string, capabilitiesXml = ''): ToolstackId {
  const { hypervisor = '', api = '' } = parseVersion(versionText);
  const type = hypervisor.split(/\s+/)[0]?.toLowerCase() ?? '';
  if (type === 'qemu' || type === 'kvm') return { toolstack: 'qemu', hypervisor };
  if (type !== 'xen') return { toolstack: 'other', hypervisor: hypervisor || 'unknown' };
  const legacy = /<uri_transport>\s*xenmigr\s*<\/uri_transport>/.test(capabilitiesXml) || /^Xen 3\.0\.1$/.test(api);
  return { toolstack: legacy ? 'xend' : 'libxl', hypervisor };
}

/** Ask the daemon behind `uri`; throws the shared layer's LibvirtError when it does not answer. */
export async function detectToolstack(runner: VirshRunner, uri: string): Promise<ToolstackId> {
  const lv = new Libvirt(runner, uri, { timeoutMs: 20_000 });
  const version = (await lv.run('version', ['version'])).stdout;
  const first = toolstackOf(version);
  if (first.toolstack !== 'libxl') return first;
  return toolstackOf(version, await lv.capabilities());
}

export const TOOLSTACK_LABEL: Record<Toolstack, string> = {
  xend: "xend (libvirt's legacy Xen driver)",
  libxl: "libxl (libvirt's libxl driver)",
  qemu: 'QEMU/KVM',
  other: 'an unknown hypervisor',
};
