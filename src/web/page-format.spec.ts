import { dutchDate, totalText } from './page-format.js';

describe('knowledge base pages: Dutch dates and totals', () => {
  it('writes a publication date in Dutch, on the day it is in Amsterdam', () => {
    expect(dutchDate(new Date('2026-12-07T10:00:00Z'))).toBe('7 december 2026');
    // 23:30 UTC on 6 December is already 7 December in Amsterdam (UTC+1).
    expect(dutchDate('2026-12-06T23:30:00Z')).toBe('7 december 2026');
    // Summer time: 22:30 UTC on 30 June is 00:30 on 1 July (UTC+2).
    expect(dutchDate('2026-06-30T22:30:00Z')).toBe('1 juli 2026');
    expect(dutchDate(null)).toBeNull();
  });

  it('says "meer dan 1.000" once the search stopped counting', () => {
    expect(totalText(1000, false)).toBe('meer dan 1.000');
    expect(totalText(1000, true)).toBe('1.000');
    expect(totalText(21, undefined)).toBe('21');
  });
});
