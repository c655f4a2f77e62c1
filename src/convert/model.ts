/**
 * The neutral domain model: the only thing between readers (xend SXP, later xm/xl)
 * and writers (libvirt XML). Sizes are in KiB as libvirt counts them.
 *
 * CONTRACT: the fields below are relied on by inventory, batch conversion and the
 * upgrade orchestrator. Extend freely; do not rename or change the meaning of these.
 */
import type { SourcePosition } from '../errors.js';

export type OsType = 'pv' | 'hvm';

export interface DiskModel {
  /** Guest device name, e.g. `xvda`, `hda`, `hdc`. */
  target: string;
  device: 'disk' | 'cdrom' | 'floppy';
  /** Backing path (block device or image file); undefined for an empty CD-ROM. */
  source?: string;
  sourceType: 'file' | 'block' | 'network' | 'volume';
  readonly: boolean;
  /** xend mode `w!`: writable and deliberately shared between domains. */
  shareable: boolean;
  /** Where in the config.sxp this disk was declared. */
  pos?: SourcePosition;
}

export interface NicModel {
  mac?: string;
  bridge?: string;
  pos?: SourcePosition;
}

export interface DomainModel {
  name: string;
  /** Canonical lowercase 8-4-4-4-12 form. */
  uuid?: string;
  osType: OsType;
  memoryKiB: number;
  maxMemoryKiB: number;
  vcpus: number;
  /** xend's on_xend_start=start / auto_power_on: XML cannot say it, `virsh autostart` must. */
  autostart: boolean;
  disks: DiskModel[];
  nics: NicModel[];
}
