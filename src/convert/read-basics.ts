/** Identity, memory, vCPUs, affinity, scheduler and lifecycle keys of a xend domain. */
import type { SxpList } from '../sxp/model.js';
import { countAvail, CpuSpecError, readAffinity } from './cpus.js';
import type { LifecycleAction } from './model.js';
import type { ReadContext } from './read-context.js';
import { atomVal, dictVal, intVal, parseXendBool, parseXendNumber, strVal } from './sxp-values.js';
import { firstChild } from '../sxp/key-index.js';

const MIB = 1024;

export function canonicalUuid(raw: string): string | undefined {
  const hex = raw.trim().replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function readIdentity(ctx: ReadContext, dom: SxpList): { name: string; uuid?: string; description?: string } {
  const nameAtom = atomVal(dom, 'name') ?? atomVal(dom, 'name_label');
  if (!nameAtom) ctx.fail('INVALID_NAME', 'the domain has no name', dom, 'Add (name NAME) to the config.');
  const uuidAtom = atomVal(dom, 'uuid');
  let uuid: string | undefined;
  if (uuidAtom) {
    uuid = canonicalUuid(uuidAtom.value);
    if (!uuid) ctx.fail('INVALID_UUID', `'${uuidAtom.value}' is not a UUID`, uuidAtom, 'xend names the domain directory after the UUID; copy it from there.');
  } else {
    ctx.warn('UUID_MISSING', 'the config has no uuid; libvirt will generate a new one, so the guest\'s SMBIOS UUID (and licences bound to it) change', dom);
  }
  const description = strVal(dom, 'description') ?? strVal(dom, 'name_description') ?? strVal(dom, 'Description');
  return { name: nameAtom.value, uuid, description };
}

/** XenAPI memory values are bytes, but some 3.0.x output wrote MiB there (xend-sxp-format §2.6). */
function xenapiMemKiB(dom: SxpList, key: string): number | undefined {
  const a = atomVal(dom, key);
  const n = a ? parseXendNumber(a.value) : undefined;
  if (n === undefined || n <= 0) return undefined;
  return n >= 2 ** 20 ? Math.floor(n / 1024) : n * MIB;
}

export function readMemory(ctx: ReadContext, dom: SxpList): { memoryKiB: number; maxMemoryKiB: number } {
  const memMiB = intVal(ctx, dom, 'memory');
  const maxMiB = intVal(ctx, dom, 'maxmem');
  let mem = memMiB !== undefined ? memMiB * MIB : xenapiMemKiB(dom, 'memory_dynamic_max');
  let max = maxMiB !== undefined ? maxMiB * MIB : xenapiMemKiB(dom, 'memory_static_max');
  mem ??= max;
  max ??= mem;
  if (mem === undefined || max === undefined || mem <= 0) {
    ctx.fail('INVALID_MEMORY', 'the domain has no usable memory size', atomVal(dom, 'memory') ?? dom, 'Set (memory MiB) and (maxmem MiB).');
  }
  // xend raised maxmem to memory when it was lower.
  return { memoryKiB: mem, maxMemoryKiB: Math.max(mem, max) };
}

export interface VcpuInfo {
  vcpus: number;
  currentVcpus?: number;
  cpuset?: string;
  vcpuPins: { vcpu: number; cpuset: string }[];
  schedWeight?: number;
  schedCap?: number;
}

export function readVcpus(ctx: ReadContext, dom: SxpList, image: SxpList | undefined): VcpuInfo {
  const vcpus = intVal(ctx, image, 'vcpus') ?? intVal(ctx, dom, 'vcpus') ?? intVal(ctx, dom, 'VCPUs_max') ?? 1;
  if (vcpus < 1) ctx.fail('INVALID_VCPUS', `vcpus must be at least 1, found ${vcpus}`, atomVal(dom, 'vcpus') ?? dom);
  const info: VcpuInfo = { vcpus, vcpuPins: [] };
  const avail = atomVal(dom, 'vcpu_avail');
  if (avail) {
    const c = countAvail(avail.value, vcpus);
    if (!c) ctx.warn('INVALID_VALUE', `vcpu_avail '${avail.value}' is not a bitmask; all ${vcpus} vCPUs start online`, avail);
    else if (c.count > 0 && c.count < vcpus) {
      info.currentVcpus = c.count;
      if (!c.contiguous) ctx.warn('VCPU_AVAIL_NONCONTIGUOUS', `vcpu_avail ${avail.value} onlines vCPUs with gaps; libvirt onlines the first ${c.count} instead`, avail);
    }
  }
  const cpus = firstChild(dom, 'cpus');
  if (cpus?.items[1]) {
    try {
      const aff = readAffinity(cpus.items[1], vcpus);
      info.cpuset = aff.cpuset;
      info.vcpuPins = aff.pins;
    } catch (e) {
      if (!(e instanceof CpuSpecError)) throw e;
      ctx.warn('INVALID_VALUE', `cpus: ${e.message}; the guest runs unpinned`, cpus);
    }
  } else {
    const cpu = intVal(ctx, dom, 'cpu');
    if (cpu !== undefined && cpu >= 0) info.vcpuPins = [{ vcpu: 0, cpuset: String(cpu) }];
  }
  const params = dictVal(dom, 'vcpus_params');
  // Xen 3.0.x wrote a float sEDF weight (`1.0`), not a credit-scheduler weight: nothing to carry over.
  const legacyWeight = strVal(dom, 'cpu_weight')?.includes('.') ?? false;
  const weight = (legacyWeight ? undefined : intVal(ctx, dom, 'cpu_weight')) ?? intVal(ctx, params, 'weight');
  const cap = intVal(ctx, dom, 'cpu_cap') ?? intVal(ctx, params, 'cap');
  // Weight travels as <cputune><shares> (libvirt's libxl driver hands it to the credit scheduler);
  // 256 is the scheduler's default, which libxl applies without being told.
  if (weight !== undefined && weight > 0 && weight !== 256) info.schedWeight = weight;
  if (cap !== undefined && cap !== 0) {
    info.schedCap = cap;
    ctx.warn(
      'SCHED_PARAMS_RUNTIME_ONLY',
      `credit scheduler cap ${cap}% cannot be stored in libvirt's libxl XML; the guest starts uncapped until \`virsh schedinfo DOMAIN --live --set cap=${cap}\` is run after each start`,
      atomVal(dom, 'cpu_cap') ?? params ?? dom,
    );
  }
  return info;
}

const ACTIONS: Record<string, LifecycleAction> = {
  destroy: 'destroy',
  restart: 'restart',
  preserve: 'preserve',
  'rename-restart': 'rename-restart',
  rename_restart: 'rename-restart',
  'coredump-destroy': 'coredump-destroy',
  coredump_and_destroy: 'coredump-destroy',
  'coredump-restart': 'coredump-restart',
  coredump_and_restart: 'coredump-restart',
};

export function readLifecycle(ctx: ReadContext, dom: SxpList): { onPoweroff: LifecycleAction; onReboot: LifecycleAction; onCrash: LifecycleAction } {
  // The deprecated `restart` key sets all three at once; explicit on_* keys win.
  const restart = strVal(dom, 'restart');
  const base: Record<string, LifecycleAction> =
    restart === 'always' ? { p: 'restart', r: 'restart', c: 'restart' }
    : restart === 'never' ? { p: 'destroy', r: 'destroy', c: 'destroy' }
    : { p: 'destroy', r: 'restart', c: restart === 'onreboot' ? 'destroy' : 'restart' };
  const one = (key: string, xenapi: string, dflt: LifecycleAction): LifecycleAction => {
    const a = atomVal(dom, key) ?? atomVal(dom, xenapi);
    if (!a) return dflt;
    const act = ACTIONS[a.value];
    if (!act) ctx.fail('INVALID_LIFECYCLE_ACTION', `${key} '${a.value}' is not a xend action`, a, `Use one of: ${Object.keys(ACTIONS).filter((k) => !k.includes('_')).join(', ')}.`);
    return act;
  };
  return {
    onPoweroff: one('on_poweroff', 'actions_after_shutdown', base.p),
    onReboot: one('on_reboot', 'actions_after_reboot', base.r),
    onCrash: one('on_crash', 'actions_after_crash', base.c),
  };
}

export function readAutostart(ctx: ReadContext, dom: SxpList): boolean {
  const stop = atomVal(dom, 'on_xend_stop');
  if (stop && stop.value !== 'ignore') {
    ctx.warn('XEND_STOP_ACTION', `on_xend_stop ${stop.value}: libvirt has no per-domain host-shutdown action; configure the libvirt-guests service (ON_SHUTDOWN=${stop.value === 'suspend' ? 'suspend' : 'shutdown'}) instead`, stop);
  }
  // Legacy key wins over the XenAPI one, like everywhere else in xend.
  const start = strVal(dom, 'on_xend_start');
  if (start !== undefined) return start === 'start';
  const apo = strVal(dom, 'auto_power_on');
  return apo !== undefined && parseXendBool(apo) === true;
}
