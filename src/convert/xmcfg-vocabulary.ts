/**
 * Where each xm/xl setting goes in the `(vm …)` SXP that xm create built:
 * top level, the `(image (linux|hvm …))` block, or nowhere (consumed by the
 * importer itself, or known and dropped with a reason). Anything else is an
 * unknown key (UNKNOWN_KEY), reported at its line, never fatal.
 */

/** Copied as `(key value)` at the top of the domain. */
export const TOP_KEYS = new Set([
  'name', 'uuid', 'description', 'memory', 'maxmem', 'vcpu_avail', 'cpus', 'cpu', 'cpu_weight', 'cpu_cap',
  'on_poweroff', 'on_reboot', 'on_crash', 'restart', 'bootloader', 'bootloader_args', 'shadow_memory', 'cpuid', 'cpuid_check',
  'superpages', 'machine_address_size', 'suppress_spurious_page_faults', 'memory_sharing', 'on_xend_start', 'on_xend_stop',
]);

/** Copied as `(key value)` into the image block (xend's image keys). */
export const IMAGE_KEYS = new Set([
  'kernel', 'ramdisk', 'root', 'ip', 'boot', 'acpi', 'apic', 'pae', 'hpet', 'viridian', 'hap', 'nestedhvm', 'localtime', 'rtc_timeoffset',
  'serial', 'parallel', 'soundhw', 'usbdevice', 'keymap', 'vnc', 'sdl', 'vncdisplay', 'vncunused', 'vnclisten', 'vncpasswd', 'display',
  'xauthority', 'stdvga', 'fda', 'fdb', 'timer_mode', 'vpt_align', 'isa', 'xen_platform_pci', 'gfx_passthru', 'pci_msitranslate',
  'pci_power_mgmt', 'monitor', 'vncconsole', 'nomigrate', 'guest_os_type', 'videoram', 'usb', 'opengl', 'vhpt', 'xen_extended_power_mgmt',
  'spice', 'spiceport', 'spicehost', 'spicetls_port', 'spicepasswd', 'spicedisable_ticketing',
]);

/** Read by the importer itself (boot type, vCPU counts, command line, device lists, renamed keys). */
export const CONSUMED_KEYS = new Set([
  'builder', 'type', 'bootargs', 'cdrom', 'vcpus', 'maxvcpus', 'extra', 'cmdline', 'device_model', 'device_model_override', 'device_model_version',
  'disk', 'vif', 'pci', 'pci_permissive', 'vfb', 'vtpm', 'vscsi', 'ioports', 'irqs', 'usbctrl', 'usbdev', 'vusb', 'pool', 'cpu_pool',
  'security', 'access_control', 'tsc_mode', 'vga', 'nics', 'vncviewer', 'autoballoon',
]);

/** Settings with a meaning libvirt's libxl XML (as this tool writes it) cannot carry: XMCFG_KEY_DROPPED, with the effect. */
export const DROPPED_KEYS: Record<string, string> = {
  channel: 'PV channels (e.g. the qemu guest agent) are not converted; add <channel type=…> by hand',
  vnuma: 'the virtual NUMA layout is not converted; the guest sees one node',
  max_grant_frames: 'libxl uses its default number of grant frames',
  max_maptrack_frames: 'libxl uses its default number of maptrack frames',
  max_event_channels: 'libxl uses its default number of event channels',
  e820_host: 'the host E820 map is not passed to the guest (needed for some PCI passthrough)',
  acpi_firmware: 'the extra ACPI tables are not loaded',
  smbios_firmware: 'the extra SMBIOS tables are not loaded',
  bios: 'the BIOS choice is not converted; libxl boots SeaBIOS (add <loader> for OVMF)',
  firmware: 'the firmware choice is not converted; libxl boots its default',
  bios_path_override: 'the BIOS path override is not converted',
  firmware_override: 'the firmware override is not converted; libxl uses hvmloader',
  device_model_args: 'extra qemu arguments are not converted',
  device_model_args_hvm: 'extra qemu arguments are not converted',
  device_model_args_pv: 'extra qemu arguments are not converted',
  device_model_stubdomain_override: 'the device model no longer runs in a stub domain',
  passthrough: 'the IOMMU passthrough mode is left to libxl',
  altp2m: 'alternate p2m is not enabled',
  rdm: 'reserved device memory policy is left to libxl',
  iomem: 'raw I/O memory ranges are not granted',
  dtdev: 'device tree devices are not passed through',
  vkb: 'extra PV keyboards are not converted',
  seclabel: 'the XSM/FLASK label is not converted; add <seclabel> by hand',
  init_seclabel: 'the XSM/FLASK label is not converted; add <seclabel> by hand',
  claim_mode: 'libxl uses the host default for memory claims',
  spiceagent_mouse: 'the SPICE agent options are not converted (the SPICE display itself is)',
  spicevdagent: 'the SPICE agent options are not converted (the SPICE display itself is)',
  spice_clipboard_sharing: 'the SPICE agent options are not converted (the SPICE display itself is)',
  spiceusbredirection: 'SPICE USB redirection is not converted',
  dhcp: "xm's kernel ip= autoconfiguration pieces are not converted; put the ip= argument into extra",
  netmask: "xm's kernel ip= autoconfiguration pieces are not converted; put the ip= argument into extra",
  gateway: "xm's kernel ip= autoconfiguration pieces are not converted; put the ip= argument into extra",
  hostname: "xm's kernel ip= autoconfiguration pieces are not converted; put the ip= argument into extra",
  interface: "xm's kernel ip= autoconfiguration pieces are not converted; put the ip= argument into extra",
  nfs_server: 'NFS-root settings are not converted; put nfsroot= into extra',
  nfs_root: 'NFS-root settings are not converted; put nfsroot= into extra',
};

/** xl's tsc_mode words → xend's numbers. */
export const TSC_MODES: Record<string, string> = { default: '0', always_emulate: '1', native: '2', native_paravirt: '3' };
