/**
 * `xm list -l` without a name prints every domain, dom0 first, as one top-level
 * `(domain …)` form each. xend itself read only the first form of a file; a
 * dump like that is converted domain by domain instead (dom0 is no guest and
 * is left out). Anything else — one form, or forms that are not all domains —
 * stays one document, and the converter reports it as before.
 */
import { childString, isAtom, isList, type SxpDocument, type SxpNode } from '../sxp/model.js';

export function domainForms(doc: SxpDocument): SxpDocument[] {
  if (doc.forms.length < 2 || !doc.forms.every(isDomainForm)) return [doc];
  const guests = doc.forms.filter((f) => !isDom0(f));
  if (guests.length === 0) return [doc];
  return guests.map((f) => ({ ...doc, forms: [f] }));
}

function isDomainForm(n: SxpNode): boolean {
  return isList(n) && isAtom(n.items[0]) && n.items[0].value === 'domain';
}

function isDom0(n: SxpNode): boolean {
  return isList(n) && (childString(n, 'domid') === '0' || childString(n, 'name') === 'Domain-0');
}
