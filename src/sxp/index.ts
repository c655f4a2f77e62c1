/** Public surface of the SXP reader and writer. */
export { parseSxp, type ParseSxpOptions } from './api.js';
export { SxpSyntaxError, type SxpErrorCode } from './syntax-error.js';
export * from './model.js';
export { writeSxp, showSxp, showAtom, type WriteSxpOptions } from './writer.js';
