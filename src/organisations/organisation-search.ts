import { foldText } from '../common/text.js';

/** The stored search text: folded name and aliases between " | " separators. */
export function organisationSearchText(name: string, aliases: string[]): string {
  return `| ${[name, ...aliases].map(foldText).join(' | ')} |`;
}
