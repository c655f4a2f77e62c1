/** Public surface of the xm/xl config reader. */
export { looksLikeXmConfig, parseXmConfig, type ParseXmConfigOptions } from './api.js';
export { XmcfgSyntaxError, type XmcfgErrorCode } from './syntax-error.js';
export * from './model.js';
// Files are read with the project's one safe reader (regular files only, non-blocking open, size cap).
export { readConfigFile, readConfigFileSync, ConfigReadError } from '../sxp/read-file.js';
