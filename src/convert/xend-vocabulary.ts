/**
 * The keys xend wrote, sorted by what the converter does with them. Anything
 * not listed here is an unknown key: reported (UNKNOWN_KEY), never fatal.
 */

/** Top-level keys read by the converter. */
export const READ_TOP_KEYS = new Set([
  'name', 'name_label', 'uuid', 'description', 'name_description', 'Description',
  'memory', 'maxmem', 'memory_static_max', 'memory_dynamic_max', 'memory_static_min', 'memory_dynamic_min',
  'vcpus', 'VCPUs_max', 'vcpu_avail', 'cpus', 'cpu', 'cpu_weight', 'cpu_cap', 'vcpus_params',
  'on_poweroff', 'on_reboot', 'on_crash', 'actions_after_shutdown', 'actions_after_reboot', 'actions_after_crash', 'restart',
  'on_xend_start', 'on_xend_stop', 'auto_power_on',
  'bootloader', 'bootloader_args', 'PV_bootloader', 'PV_bootloader_args', 'PV_kernel', 'PV_ramdisk', 'PV_args',
  'HVM_boot_policy', 'HVM_boot_params', 'platform', 'image', 'device', 'localtime',
  'pool_name', 'shadow_memory', 'security', 'security_label', 'backend', 'cpuid', 'cpuid_check', 'domid',
  'superpages', 'memory_sharing', 'machine_address_size', 'suppress_spurious_page_faults',
]);

/** Runtime state and XenAPI bookkeeping: meaningless for a definition, skipped silently. */
export const IGNORED_TOP_KEYS = new Set([
  'VCPUs_at_startup', 'VCPUs_live', 'online_vcpus', 'start_time', 'cpu_time', 'up_time', 'status', 'state',
  'shutdown_reason', 'store_mfn', 'console_mfn', 'resident_on', 'is_a_template', 'other_config', 'tools_version',
  'user_version', 'PCI_bus', 'target', 'features', 'change_home_server', 's3_integrity', 'pci', 'tsc_mode',
  'nomigrate', 'oos', 'is_control_domain', 'vcpus_number', 'VCPUs_params',
]);

/** Image keys read by the converter (boot, features, clock, graphics, devices). */
export const READ_IMAGE_KEYS = new Set([
  'kernel', 'ramdisk', 'args', 'root', 'ip', 'loader', 'boot', 'device_model',
  'acpi', 'apic', 'pae', 'hpet', 'viridian', 'hap', 'nestedhvm', 'localtime', 'rtc_timeoffset', 'tsc_mode',
  'serial', 'parallel', 'soundhw', 'usbdevice', 'keymap', 'vnc', 'sdl', 'vncdisplay', 'vncunused', 'vnclisten',
  'vncpasswd', 'display', 'xauthority', 'stdvga', 'fda', 'fdb',
  'spice', 'spiceport', 'spicehost', 'spicetls_port', 'spicepasswd', 'spicedisable_ticketing',
]);

/** Image keys with no effect on a libvirt definition. */
export const IGNORED_IMAGE_KEYS = new Set([
  'notes', 'pci', 'vcpus', 'guest_os_type', 'vhpt', 'videoram', 'nographic', 'usb', 'opengl', 'oos', 'expose_host_uuid',
  // Old HVM CD-ROM key: xm had already turned it into a (vbd (dev hdc:cdrom)).
  'cdrom',
]);

/**
 * Image keys libvirt's libxl driver cannot express, with the value xend used
 * when the key was absent: a warning is due only when the config differs.
 */
export const DROPPED_IMAGE_KEYS: Record<string, { default: string; effect: string }> = {
  timer_mode: { default: '1', effect: 'libxl uses its default timer mode (no_delay_for_missed_ticks); time-keeping of old guests may drift' },
  nomigrate: { default: '0', effect: 'the guest can now be migrated; make sure it tolerates that' },
  vpt_align: { default: '1', effect: 'virtual platform timers are aligned (libxl default)' },
  isa: { default: '0', effect: 'the guest gets a PCI machine, not an ISA-only one' },
  xen_platform_pci: { default: '1', effect: 'the Xen platform PCI device is present, so PV drivers in the guest will activate' },
  gfx_passthru: { default: '0', effect: 'graphics passthrough is not set up; pass the GPU as a PCI hostdev and configure it by hand' },
  pci_msitranslate: { default: '1', effect: 'libxl decides MSI translation per device' },
  pci_power_mgmt: { default: '0', effect: 'PCI power management is not exposed to the guest' },
  monitor: { default: '0', effect: 'the qemu monitor is not exposed' },
  monitor_path: { default: '', effect: 'the qemu monitor is not exposed' },
  vncconsole: { default: '0', effect: 'no VNC viewer is started automatically' },
  xen_extended_power_mgmt: { default: '0', effect: 'host power-management information is no longer passed to the guest' },
  superpages: { default: '0', effect: 'memory is allocated without forcing superpages' },
  memory_sharing: { default: '0', effect: 'memory page sharing is off' },
};

export const DEVICE_CLASSES = new Set(['vbd', 'tap', 'tap2', 'vif', 'vif2', 'pci', 'vfb', 'vkbd', 'console', 'vscsi', 'vusb', 'vtpm', 'ioports', 'irq']);
