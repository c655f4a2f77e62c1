/**
 * Every warning and error code the converter can emit. Codes are stable API:
 * scripts grep for them and docs/warnings.md documents each one (a test keeps
 * the two in sync).
 */
export const WARNING_CODES = [
  // Input shape
  'EXTRA_TOP_LEVEL_FORMS',
  'UNKNOWN_KEY',
  'UNKNOWN_DEVICE',
  'INVALID_VALUE',
  'CONTROL_CHARACTER',
  // Identity / memory / CPUs
  'UUID_MISSING',
  'VCPU_AVAIL_NONCONTIGUOUS',
  'SCHED_PARAMS_RUNTIME_ONLY',
  'CPUPOOL_DROPPED',
  'SHADOW_MEMORY_AUTO',
  'CPUID_DROPPED',
  // Lifecycle
  'XEND_STOP_ACTION',
  // Boot
  'PYGRUB_STALE_KERNEL',
  'BOOTLOADER_UNSUPPORTED',
  'QEMU_TRADITIONAL_REPLACED',
  'STUBDOM_DROPPED',
  'HVM_OPTION_DROPPED',
  // Disks
  'DISK_SHARED_WRITABLE',
  'DISK_FORMAT_UNSUPPORTED',
  'DISK_BLOCK_SCRIPT',
  'DISK_FLOPPY_DROPPED',
  // Network
  'NIC_MAC_MISSING',
  'NIC_NO_BRIDGE',
  'NIC_DUPLICATE_MAC',
  'NIC_ACCEL_DROPPED',
  'VIF2_DROPPED',
  // Other devices
  'VFB_UNKNOWN_TYPE',
  'VNC_PORT_FIXED',
  'VNC_PASSWORD_NEEDS_DES',
  'GRAPHICS_EXTRA_DROPPED',
  'PARALLEL_DROPPED',
  'SOUND_MODEL_UNKNOWN',
  'SOUND_EXTRA_IGNORED',
  'USB_DEVICE_DROPPED',
  'PCI_OPTION_DROPPED',
  'PCI_GUEST_SLOT_DROPPED',
  'VSCSI_DROPPED',
  'VUSB_DROPPED',
  'VTPM_DROPPED',
  'IOPORTS_IRQ_DROPPED',
  'ACM_LABEL_DROPPED',
  'DRIVER_DOMAIN_DROPPED',
  // xm/xl config files (src/xmcfg)
  'UUID_DERIVED',
  'XMCFG_KEY_DROPPED',
] as const;

export type WarningCode = (typeof WARNING_CODES)[number];

/** Codes of conversion errors (the result is not defined anywhere). */
export const ERROR_CODES = [
  'CONFIG_NOT_A_DOMAIN',
  'CONFIG_EMPTY',
  'CONFIG_IS_DOM0',
  'INVALID_NAME',
  'INVALID_UUID',
  'INVALID_MEMORY',
  'INVALID_VCPUS',
  'INVALID_NUMBER',
  'INVALID_MAC',
  'INVALID_NIC',
  'INVALID_LIFECYCLE_ACTION',
  'INVALID_CHARDEV',
  'INVALID_PCI_ADDRESS',
  'INVALID_DISK',
  'DUPLICATE_DISK_TARGET',
  'NO_BOOT_METHOD',
] as const;

export type ConvertErrorCode = (typeof ERROR_CODES)[number];
