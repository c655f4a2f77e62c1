/** Whether a domain name can become `OUTDIR/<name>.xml` without escaping OUTDIR or exceeding NAME_MAX. */
export function isUsableFileName(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('\0') && Buffer.byteLength(name) <= 250;
}
