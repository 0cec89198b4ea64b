// Filters the long list of keuzes as one types (an enhancement: without it all 33 are shown).
// A ticked keuze stays visible, so a choice never disappears from sight.
const filter = document.querySelector('[data-keuze-filter]');
const input = filter?.querySelector('input');
const status = filter?.querySelector('[aria-live]');

/** Lower case without accents: "coördinatie" is found by "coordinatie". */
const plain = (text) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();

if (filter && input && status) {
  filter.hidden = false;
  const keuzes = [...document.querySelectorAll('[data-keuze]')].map((element) => ({ element, text: plain(element.textContent ?? ''), box: element.querySelector('input') }));
  const themes = [...document.querySelectorAll('[data-keuze-theme]')];

  input.addEventListener('input', () => {
    const words = plain(input.value).split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const keuze of keuzes) {
      const match = words.every((word) => keuze.text.includes(word)) || keuze.box?.checked === true;
      keuze.element.hidden = !match;
      if (match) shown++;
    }
    for (const theme of themes) theme.hidden = theme.querySelector('[data-keuze]:not([hidden])') === null;
    status.textContent = words.length === 0 ? '' : shown === 1 ? '1 keuze gevonden' : `${shown} keuzes gevonden`;
  });
}
