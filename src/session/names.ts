// TEMPORARY stub (replaced by the names branch): comparison key for display names.
export function nameKey(name: string): string {
  return name.replace(/[\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF\u061C\u00AD]/g, '').normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
export function sameName(a: string, b: string): boolean {
  return nameKey(a) === nameKey(b);
}
