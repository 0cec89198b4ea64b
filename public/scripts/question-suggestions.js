// Live suggestions while a question is typed: the published articles most similar to the draft,
// from GET /api/v1/articles/suggestions. Only an enhancement: without this script the form's first
// step shows the same suggestions on the next page. Links carry the suggestion id, so the
// article page counts an opened suggestion as POST …/suggestions/{id}/opened does.
const WAIT_MS = 400;
const MIN_LENGTH = 10;

const form = document.querySelector('form[data-suggest-form]');
const results = form?.querySelector('[data-suggestions-results]');
const title = form?.querySelector('#title');
const body = form?.querySelector('#body');

if (form && results && title && body) {
  const suggestionId = form.querySelector('[data-suggestion-id]');
  let timer = 0;
  let latest = 0;
  let lastText = `${title.value}\n${body.value}`.trim();

  const show = (answer) => {
    results.replaceChildren();
    if (answer.data.length === 0) {
      const none = document.createElement('p');
      none.textContent = 'De kennisbank heeft nog geen artikelen die op uw vraag lijken.';
      results.append(none);
      return;
    }
    const intro = document.createElement('p');
    intro.textContent = 'Deze gepubliceerde artikelen lijken op uw vraag (ze openen in een nieuw tabblad, zodat uw vraag bewaard blijft):';
    const list = document.createElement('ul');
    list.className = 'utrecht-link-list';
    for (const article of answer.data) {
      const link = document.createElement('a');
      link.className = 'utrecht-link';
      link.href = `/kennisbank/${encodeURIComponent(article.id)}?suggestie=${encodeURIComponent(answer.suggestionId)}`;
      link.target = '_blank';
      link.textContent = article.title;
      const hint = document.createElement('span');
      hint.className = 'visually-hidden';
      hint.textContent = ' (opent in een nieuw tabblad)';
      link.append(hint);
      const item = document.createElement('li');
      item.append(link);
      list.append(item);
    }
    results.append(intro, list);
  };

  const ask = async () => {
    const text = `${title.value}\n${body.value}`.trim();
    if (text === lastText || text.length < MIN_LENGTH) return;
    lastText = text;
    const mine = ++latest;
    try {
      const response = await fetch(`/api/v1/articles/suggestions?text=${encodeURIComponent(text.slice(0, 10000))}`, { headers: { Accept: 'application/json' } });
      // A draft without a searchable word (400) or a busy server: the form works without suggestions.
      if (!response.ok || mine !== latest) return;
      const answer = await response.json();
      if (mine !== latest) return;
      if (suggestionId) suggestionId.value = answer.suggestionId;
      show(answer);
    } catch {
      // Offline or interrupted: the suggestions stay as they were.
    }
  };

  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(ask, WAIT_MS);
  };
  title.addEventListener('input', later);
  body.addEventListener('input', later);
}
