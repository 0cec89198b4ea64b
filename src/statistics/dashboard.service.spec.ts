import { publicCount, publicMedian, publicShare } from './dashboard.service.js';

describe('dashboard disclosure rules', () => {
  it('shows counts under 5 as "< 5", including 0', () => {
    for (const n of [0, 1, 4]) expect(publicCount(n)).toEqual({ value: null, text: '< 5' });
    expect(publicCount(5)).toEqual({ value: 5, text: '5' });
    expect(publicCount(1234)).toEqual({ value: 1234, text: '1.234' });
  });

  it('withholds a share that would reveal a small answered or unanswered part', () => {
    expect(publicShare(5, 10)).toEqual({ value: 50, text: '50 %' });
    expect(publicShare(4, 10).value).toBeNull(); // 4 answered
    expect(publicShare(8, 10).value).toBeNull(); // 2 not answered
    expect(publicShare(10, 10).value).toBeNull(); // 0 not answered
    expect(publicShare(0, 0)).toEqual({ value: null, text: '–' });
    expect(publicShare(17, 30)).toEqual({ value: 56.7, text: '56,7 %' });
  });

  it('shows a median only over at least 5 answers', () => {
    expect(publicMedian(2.25, 4)).toEqual({ value: null, text: 'niet getoond' });
    expect(publicMedian(2.25, 5)).toEqual({ value: 2.3, text: '2,3' });
    expect(publicMedian(null, 0)).toEqual({ value: null, text: '–' });
  });
});
