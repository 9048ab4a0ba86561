import { textTable } from '../../lib/plan/text-table';

describe('textTable', () => {
  it('pads text left and numbers right under a rule', () => {
    expect(textTable({ headers: ['name', 'n'], rows: [['a', '1'], ['bbb', '1,000']], numeric: [1] }, '')).toBe([
      'name      n',
      '----  -----',
      'a         1',
      'bbb   1,000',
    ].join('\n'));
  });
});
