import { renderTable } from './table';

describe('renderTable', () => {
  it('tables align text left and figures right', () => {
    expect(renderTable(['Name', 'N'], [['a', 1], ['bbb', 22]]).split('\n')).toEqual([
      '| Name |  N |',
      '|------|---:|',
      '| a    |  1 |',
      '| bbb  | 22 |',
    ]);
  });
});
