/** Public surface of the xm/xl config reader. */
export { parseXmConfig, type ParseXmConfigOptions } from './api.js';
export { XmcfgSyntaxError, type XmcfgErrorCode } from './syntax-error.js';
export * from './model.js';
export { readConfigFile, type ReadConfigFileOptions, MAX_CONFIG_BYTES } from './read-file.js';
