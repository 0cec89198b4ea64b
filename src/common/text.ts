/**
 * Folds text for accent- and case-insensitive matching: "Súdwest-Fryslân" → "sudwest fryslan".
 * Used at write time (stored search columns) and at query time, so both sides agree on both databases.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}
