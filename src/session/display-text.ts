// TEMPORARY stub (replaced by the names branch): peer text made safe to show.
export function displayText(s: string, options: { multiline?: boolean } = {}): string {
  const re = options.multiline ? /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/g : /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\u061C]/g;
  return s.replace(re, '\uFFFD');
}
