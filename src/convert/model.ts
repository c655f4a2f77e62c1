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
  /** Backend driver for libxl: `phy` (blkback on a block device) or `qemu` (qdisk, also for CD-ROMs). */
  driver?: 'phy' | 'qemu';
  /** Image format handed to qdisk; `raw` unless the uname said otherwise. */
  format?: DiskFormat;
  /** Guest bus derived from the target name. */
  bus: 'xen' | 'ide' | 'scsi';
  /** Block hotplug script for `iscsi:`/`nbd:`/`enbd:`/`drbd:`/… unames (`block-iscsi`). */
  script?: string;
  /** xend `bootable 1`: pygrub boots the first bootable disk. */
  bootable: boolean;
  /** The uname as xend stored it, for reports. */
  uname?: string;
  /** `(discard-enable 1|0)` → libvirt `<driver discard='unmap'|'ignore'>`; undefined = libxl's default. */
  discard?: 'unmap' | 'ignore';
}

export type DiskFormat = 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'qed';

export interface NicModel {
  mac?: string;
  bridge?: string;
  pos?: SourcePosition;
  /** Hotplug script basename or path, e.g. `vif-bridge`, `vif-route`. */
  script?: string;
  /** libvirt interface type: bridged when a bridge (or the bridge script) is used, else ethernet. */
  type: 'bridge' | 'ethernet';
  /** Guest NIC model (`e1000`, `rtl8139`, `netfront`); undefined = driver default. */
  model?: string;
  /** Backend interface name (xend `vifname`). */
  vifname?: string;
  ips: string[];
  /** Outbound limit in KiB/s as libvirt counts it (`<bandwidth><outbound average>`). */
  rateKiBps?: number;
}

export type LifecycleAction = 'destroy' | 'restart' | 'preserve' | 'rename-restart' | 'coredump-destroy' | 'coredump-restart';

export type BootDevice = 'fd' | 'hd' | 'cdrom' | 'network';

export interface OsModel {
  /** PV: dom0 path of the kernel, or guest path when a bootloader is set. HVM: direct kernel boot. */
  kernel?: string;
  initrd?: string;
  cmdline?: string;
  /** PV bootloader (pygrub). `''` keeps libvirt's "present but empty" meaning. */
  bootloader?: string;
  bootloaderArgs?: string;
  /**
   * HVM firmware as xend named it (hvmloader), for reports only: libvirt's libxl driver ignores a
   * `<loader type='rom'>` path (libxl always boots the hvmloader of its own firmware dir), so it is
   * not written. See docs/libxl-readback.md.
   */
  loader?: string;
  bootOrder: BootDevice[];
}

export interface FeaturesModel {
  acpi: boolean;
  apic: boolean;
  pae: boolean;
  /** undefined = hypervisor default (on). */
  hap?: boolean;
  viridian: boolean;
  nestedHvm?: boolean;
}

export interface ClockModel {
  /** RTC basis: xend `localtime`. */
  basis: 'utc' | 'localtime';
  /** HVM `rtc_timeoffset` in seconds. */
  adjustment?: number;
  /** HVM `hpet`: undefined = default. */
  hpet?: boolean;
  /** xend tsc_mode 1/2/3 → libvirt tsc timer mode. */
  tscMode?: 'emulate' | 'native' | 'paravirt';
}

export interface GraphicsModel {
  /** `spice`: HVM only (libxl has no SPICE for PV guests). */
  type: 'vnc' | 'sdl' | 'spice';
  /**
   * VNC/SPICE: fixed TCP port (5900 + vncdisplay, or spiceport), written as autoport='no' port=N
   * (libxl discards a port given with autoport='yes'); undefined = a free port is picked.
   */
  port?: number;
  /** Kept for readers' reports; the writer derives autoport from `port` alone. */
  autoport?: boolean;
  /** SPICE: TLS port (`spicetls_port`). */
  tlsPort?: number;
  listen?: string;
  /** Kept on purpose: xend enforced it, dropping it would open the console to anyone who can reach the port. */
  passwd?: string;
  keymap?: string;
  /** SDL */
  display?: string;
  xauthority?: string;
  pos?: SourcePosition;
}

/** A qemu character device (`pty`, `/dev/ttyS0`, `tcp:host:port,server`, …) decoded into libvirt terms. */
export interface CharDevModel {
  type: 'pty' | 'dev' | 'file' | 'pipe' | 'null' | 'stdio' | 'vc' | 'tcp' | 'udp' | 'unix';
  path?: string;
  host?: string;
  service?: string;
  /** tcp/unix: server (`bind`) or client (`connect`). */
  mode?: 'bind' | 'connect';
  protocol?: 'raw' | 'telnet';
  /** udp: the local end (`@host:port`). */
  bindHost?: string;
  bindService?: string;
  port: number;
}

export interface PciHostdevModel {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  /** xend `permissive` option (writes to config space allowed). */
  permissive?: boolean;
  pos?: SourcePosition;
}

export interface InputModel {
  type: 'tablet' | 'mouse' | 'keyboard';
  bus: 'usb';
}

export interface CpuPinModel {
  vcpu: number;
  cpuset: string;
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

  description?: string;
  /** vCPUs online at boot (`vcpu_avail` bits); undefined = all. */
  currentVcpus?: number;
  /** One affinity for every vCPU (libvirt `<vcpu cpuset>`). */
  cpuset?: string;
  /** Per-vCPU affinity when xend pinned vCPUs differently. */
  vcpuPins: CpuPinModel[];
  /** Credit scheduler weight (→ `<cputune><shares>`) and cap (runtime only: `virsh schedinfo`). */
  schedWeight?: number;
  schedCap?: number;
  os: OsModel;
  features: FeaturesModel;
  clock: ClockModel;
  onPoweroff: LifecycleAction;
  onReboot: LifecycleAction;
  onCrash: LifecycleAction;
  /** Device model binary, only when it is an upstream qemu (qemu-dm/stubdom-dm are dropped with a warning). */
  emulator?: string;
  graphics: GraphicsModel[];
  /** HVM serial ports (libxl has no parallel ports: PARALLEL_DROPPED). */
  serials: CharDevModel[];
  sounds: string[];
  inputs: InputModel[];
  hostdevs: PciHostdevModel[];
  /** HVM `stdvga 1`: standard VGA instead of Cirrus. */
  stdVga?: boolean;
  /** Runtime domain id when the config was saved from a running domain (never written to XML). */
  domid?: number;
  /** Where the `(domain …)` form starts. */
  pos?: SourcePosition;
}
