import { afterSignIn, safeReturnPath, withReturnTo } from './return-path.js';

describe('safeReturnPath', () => {
  const id = '019a1577-6f82-7da9-88e0-901e9581cbb1';
  it('lets through the pages a mail or form leads to', () => {
    for (const path of [
      `/vragen/${id}`,
      `/vragen/${id}#bevestigen`,
      '/reports/evaluation',
      '/reports/evaluation?from=2026-01-01&to=2026-03-31',
      '/',
      '/vragen',
      '/profiel',
      '/artikelen?status=concept',
      `/artikelen/${id}/bewerken`,
      '/vragen/nieuw?q=bodem%20daling',
      `/kennisbank/${id}`,
      '/kennisbank?q=woningbouw&themeId=2&pagina=3',
      '/themas/4',
      '/keuzes/33',
      '/dashboard',
      '/secretariaat',
      '/secretariaat/toegangsverzoeken',
      '/secretariaat/aanmelddomeinen?gelukt=toegevoegd',
      '/secretariaat/statistieken?from=2026-01-01&by=keuze',
      '/reports/quarterly?year=2026&quarter=3',
    ]) {
      expect(safeReturnPath(path)).toBe(path);
    }
  });
  it('refuses anything that could leave the app or is not a known page', () => {
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', `/vragen/${id}/../../x`, '/api/v1/users', 'vragen/x', '/vragen/../api', '/kennisbank?q="><script>', '/themas/x', '//', '/secretariaat/../api', '/secretariaat/x/y', '/reports/other', '/auth/signed-in', `/vragen/${id}?x=<script>`, '', null, 42, `/vragen/${id}`.padEnd(201, 'a')]) {
      expect([bad, safeReturnPath(bad)]).toEqual([bad, null]);
    }
  });
  it('adds the return path to a link', () => {
    expect(withReturnTo('/auth/second-factor', `/vragen/${id}`)).toBe(`/auth/second-factor?next=%2Fvragen%2F${id}`);
    expect(withReturnTo('https://x.nl/auth/callback?token=t', '/reports/evaluation')).toBe('https://x.nl/auth/callback?token=t&next=%2Freports%2Fevaluation');
    expect(withReturnTo('/auth/second-factor', null)).toBe('/auth/second-factor');
  });
  it('falls back to the signed-in page', () => {
    expect(afterSignIn(null)).toBe('/auth/signed-in');
    expect(afterSignIn(`/vragen/${id}`)).toBe(`/vragen/${id}`);
  });
});
