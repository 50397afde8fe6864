import { spec } from '../schema/openapi.generated';

describe('the OpenAPI document of the access routes', () => {
  it('accepts in the status filter exactly the statuses of AccessRequestStatus', () => {
    const status = spec.paths['/access-requests'].get.parameters.find(
      p => 'name' in p && p.name === 'status',
    ) as { schema: { pattern: string } };
    const enumOf = [...spec.components.schemas.AccessRequestStatus.enum];
    const lists = [...status.schema.pattern.matchAll(/\(([a-z|]+)\)/g)].map(m =>
      m[1].split('|'),
    );
    expect(lists).toEqual([enumOf, enumOf]);
    const filter = new RegExp(status.schema.pattern, 'u');
    expect(filter.test('pending, active')).toBe(true);
    expect(filter.test('')).toBe(true);
    expect(filter.test('pending,bogus')).toBe(false);
  });
});
