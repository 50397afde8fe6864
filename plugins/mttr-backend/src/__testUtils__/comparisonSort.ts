/**
 * Expects comparison rows in the order the comparison promises for a sort
 * field: rows with a value first, ordered by it in the order asked, ties
 * by entity ref ascending; rows without a value (null) last, by entity ref.
 * Returns the values in row order, for further expectations.
 */
export function expectSortedBy<T extends { entityRef: string }>(
  rows: T[],
  valueOf: (row: T) => number | null,
  order: 'asc' | 'desc',
): Array<number | null> {
  const values = rows.map(valueOf);
  const present = values.filter(v => v !== null).length;
  expect(values.slice(present).every(v => v === null)).toBe(true);
  const direction = order === 'asc' ? 1 : -1;
  for (let i = 1; i < rows.length; i++) {
    const a = values[i - 1];
    const b = values[i];
    let inOrder: boolean;
    if (a === b) inOrder = rows[i - 1].entityRef < rows[i].entityRef;
    else if (a === null) inOrder = false;
    else if (b === null) inOrder = true;
    else inOrder = (b - a) * direction > 0;
    expect({
      at: i,
      pair: [rows[i - 1].entityRef, a, rows[i].entityRef, b],
      inOrder,
    }).toEqual({
      at: i,
      pair: [rows[i - 1].entityRef, a, rows[i].entityRef, b],
      inOrder: true,
    });
  }
  return values;
}
