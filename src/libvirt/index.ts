/** The libvirt layer: the only code that talks to libvirt (through virsh). */
export { Libvirt, LIBVIRT_TIMEOUTS, type DomainSummary, type DumpXmlOptions, type LibvirtOptions, type WaitForStateOptions } from './client.js';
export { LibvirtError, classifyLibvirtMessage, libvirtErrorFromResult, virshErrorMessage, type LibvirtErrorKind } from './errors.js';
export { DOMAIN_STATES, isUuid, parseDomState, type DomainState, type DomainStateName } from './parse.js';
export { DEFAULT_TIMEOUT_MS, execFileRunner, type ExecFileRunnerOptions, type RunningCall, type VirshCall, type VirshResult, type VirshRunner } from './runner.js';
export { withPrivateXmlFile } from './temp-xml.js';
