import { markPlaceholders, wordDiff } from './article-diff.js';

describe('wordDiff', () => {
  it('lists the words a version added and removed, in reading order', () => {
    expect(wordDiff('Kies een locatie hoog', 'Kies een droge locatie')).toEqual([
      { kind: 'same', text: 'Kies een ' },
      { kind: 'added', text: 'droge ' },
      { kind: 'same', text: 'locatie' },
      { kind: 'removed', text: ' hoog' },
    ]);
  });

  it('gives one unchanged part for equal texts, and null when the texts are too different to compare', () => {
    expect(wordDiff('gelijk', 'gelijk')).toEqual([{ kind: 'same', text: 'gelijk' }]);
    const words = (prefix: string) => Array.from({ length: 1500 }, (_, i) => `${prefix}${i}`).join(' ');
    expect(wordDiff(words('a'), words('b'))).toBeNull();
  });
});

describe('markPlaceholders', () => {
  it('splits the text at each placeholder of the anonymiser and says what it replaced', () => {
    expect(markPlaceholders('Mail [naam] op [e-mailadres].')).toEqual([
      { text: 'Mail ', kind: null },
      { text: '[naam]', kind: 'name' },
      { text: ' op ', kind: null },
      { text: '[e-mailadres]', kind: 'email' },
      { text: '.', kind: null },
    ]);
    expect(markPlaceholders('[link] is geen [label]')).toEqual([
      { text: '[link]', kind: 'url' },
      { text: ' is geen [label]', kind: null },
    ]);
  });
});
