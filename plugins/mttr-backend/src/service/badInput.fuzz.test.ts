import { TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import request from 'supertest';
import {
  MttrTestBackend,
  asService,
  asUser,
  component,
  startMttrTestBackend,
} from '../__testUtils__/mttrTestBackend';

/*
 * The same corpus of bad input against every route, on every engine the
 * tests can reach: each request is answered 400 with a message naming the
 * field, never 5xx, the same on SQLite, PostgreSQL and MySQL, and nothing
 * of it is stored.
 */

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'MYSQL_8'],
});

const NUL = '\u0000';
const long = (n: number) => 'x'.repeat(n);
const REF = 'component:default/payments';
const AT = '2026-05-04T10:00:00Z';

interface BadRequest {
  /** What is wrong, for the test's report. */
  what: string;
  method: 'get' | 'post' | 'put' | 'delete';
  /** Under /api/mttr, query already encoded. */
  path: string;
  body?: unknown;
  as: 'user' | 'service';
  /** The field the message must name. */
  field: string;
}

function event(overrides: Record<string, unknown> = {}, incident?: object) {
  return {
    source: 'fuzz',
    incidentId: 'INC-1',
    eventId: 'e-1',
    type: 'triggered',
    at: AT,
    incident: { entityRefs: [REF], ...incident },
    ...overrides,
  };
}

const post = (what: string, body: unknown, field: string): BadRequest => ({
  what,
  method: 'post',
  path: '/events',
  body,
  as: 'service',
  field,
});
const badEvent = (what: string, overrides: Record<string, unknown>) =>
  post(
    what,
    { events: [event(), event({ eventId: 'e-2', ...overrides })] },
    `events[1].${Object.keys(overrides)[0]}`,
  );
const badAttribute = (what: string, attributes: Record<string, unknown>) =>
  post(
    what,
    { events: [event({}, attributes)] },
    `events[0].incident.${Object.keys(attributes)[0]}`,
  );
const get = (what: string, path: string, field: string): BadRequest => ({
  what,
  method: 'get',
  path,
  as: 'user',
  field,
});
const q = encodeURIComponent;

const corpus: BadRequest[] = [
  // Times that are not instants, or not plausible ones.
  ...['+25:00', '+24:00', '+12:60', '+99:99', '-18:01'].map(offset =>
    badEvent(`an offset of ${offset}`, { at: `2026-05-04T10:00:00${offset}` }),
  ),
  badEvent('30 February', { at: '2026-02-30T10:00:00Z' }),
  badEvent('24 o’clock', { at: '2026-05-04T24:00:00Z' }),
  badEvent('year 0000', { at: '0000-01-01T00:00:00Z' }),
  badEvent('year 9999', { at: '9999-12-31T00:00:00Z' }),
  badEvent('before 2000', { at: '1999-12-31T23:59:59Z' }),
  badEvent('a date without a time', { at: '2026-05-04' }),
  badEvent('a number', { at: 1777888800000 }),
  badAttribute('an impact start at +25:00', {
    impactStartedAt: '2026-05-04T10:00:00+25:00',
  }),
  badAttribute('an impact start in year 9999', {
    impactStartedAt: '9999-01-01T00:00:00Z',
  }),
  // Strings one engine cannot store.
  badEvent('a NUL in incidentId', { incidentId: `INC${NUL}1` }),
  badEvent('a NUL in eventId', { eventId: `e${NUL}` }),
  badEvent('a lone surrogate in eventId', { eventId: 'e-\ud800' }),
  badAttribute('a NUL in the fingerprint', { fingerprint: `fp${NUL}` }),
  badAttribute('a NUL in a mapping key', { mappingKeys: [`k${NUL}`] }),
  badAttribute('a NUL in an entity ref', {
    entityRefs: [`component:default/pay${NUL}ments`],
  }),
  badAttribute('a NUL in the title', { title: `down${NUL}` }),
  badAttribute('a lone surrogate in the title', { title: 'down \udc00' }),
  // Strings longer than their column.
  badEvent('an incidentId of 256 characters', { incidentId: long(256) }),
  badEvent('an eventId of 256 characters', { eventId: long(256) }),
  badAttribute('a fingerprint of 256 characters', { fingerprint: long(256) }),
  badAttribute('a mapping key of 256 characters', { mappingKeys: [long(256)] }),
  badAttribute('a label of 256 characters', { labels: [long(256)] }),
  badAttribute('an entity ref of 256 characters', {
    entityRefs: [`component:default/${long(240)}`],
  }),
  // 'component:' + 240 x = 250 characters as sent, 258 with the default
  // namespace it gets.
  badAttribute('an entity ref that grows past 255 characters', {
    entityRefs: [`component:${long(240)}`],
  }),
  badAttribute('an entity ref that is not one', { entityRefs: ['not a ref'] }),

  // Query parameters of the reads.
  get(
    'a metrics entity ref that is not one',
    '/metrics?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'a NUL in a metrics entity ref',
    `/metrics?entityRef=${q(`component:default/a${NUL}`)}`,
    'entityRef',
  ),
  get(
    'a window start at +25:00',
    `/metrics?entityRef=${REF}&from=${q('2026-05-04T10:00:00+25:00')}`,
    'from',
  ),
  get(
    'a window from year 0000 to 9999',
    `/metrics/series?entityRef=${REF}&from=0000-01-01T00:00:00Z&to=9999-12-31T00:00:00Z`,
    'from',
  ),
  get('a window end in 13th month', `/incidents?to=2026-13-01T00:00:00Z`, 'to'),
  get('a hexadecimal limit', '/metrics/by-entity?limit=0x10', 'limit'),
  get('a limit in exponent form', '/incidents?limit=1e2', 'limit'),
  get('a fractional offset', '/metrics/by-entity?offset=1.5', 'offset'),
  get('a negative offset', '/incidents?offset=-1', 'offset'),
  get('a hexadecimal offset', '/incidents/unmapped?offset=0x1', 'offset'),
  get(
    'a NUL in an owner',
    `/metrics/by-entity?owner=${q(`team${NUL}`)}`,
    'owner',
  ),
  get(
    'an incidents entity ref that is not one',
    '/incidents?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'a mappings entity ref that is not one',
    '/mappings?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'a NUL in a mapping key filter',
    `/mappings?mappingKey=${q(`k${NUL}`)}`,
    'mappingKey',
  ),
  get('a hexadecimal mappings limit', '/mappings?limit=0x10', 'limit'),

  // Mappings.
  ...[
    [
      'a NUL in the mapping key',
      { mappingKey: `k${NUL}`, entityRef: REF },
      'mappingKey',
    ],
    [
      'a mapping key of 256 characters',
      { mappingKey: long(256), entityRef: REF },
      'mappingKey',
    ],
    [
      'an entity ref that is not one',
      { mappingKey: 'k', entityRef: 'nowhere' },
      'entityRef',
    ],
    [
      'a NUL in the entity ref',
      { mappingKey: 'k', entityRef: `component:default/p${NUL}` },
      'entityRef',
    ],
    [
      'an entity ref of 300 characters',
      { mappingKey: 'k', entityRef: `component:default/${long(282)}` },
      'entityRef',
    ],
  ].map(([what, body, field]): BadRequest => ({
    what: `mapping: ${what}`,
    method: 'put',
    path: '/mappings',
    body,
    as: 'user',
    field: field as string,
  })),
  {
    what: 'deleting a mapping with a NUL in its key',
    method: 'delete',
    path: `/mappings?mappingKey=${q(`k${NUL}`)}&entityRef=${REF}`,
    as: 'user',
    field: 'mappingKey',
  },
  {
    what: 'deleting a mapping of an entity ref that is not one',
    method: 'delete',
    path: `/mappings?mappingKey=k&entityRef=nowhere`,
    as: 'user',
    field: 'entityRef',
  },

  // Just-in-time access.
  get(
    'access requests of a ref that is not one',
    '/access-requests?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'a hexadecimal access requests limit',
    '/access-requests?limit=0x10',
    'limit',
  ),
  get(
    'on-call of a ref that is not one',
    '/on-call?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'access targets of a ref that is not one',
    '/access-targets?entityRef=nowhere',
    'entityRef',
  ),
  get(
    'on-call of a ref with a NUL',
    `/on-call?entityRef=${q(`component:default/p${NUL}`)}`,
    'entityRef',
  ),
  get(
    'an access request id with a NUL',
    `/access-requests/${q(`a${NUL}`)}`,
    'path',
  ),
  ...(
    [
      ['an entity ref that is not one', { entityRef: 'nowhere' }, 'entityRef'],
      ['a NUL in the entity ref', { entityRef: `${REF}${NUL}` }, 'entityRef'],
      ['a target id of 256 characters', { targetId: long(256) }, 'targetId'],
      ['a NUL in the reason', { reason: `on call${NUL}` }, 'reason'],
      [
        'a NUL in the incident id',
        { incident: { source: 'fuzz', incidentId: `I${NUL}` } },
        'incidentId',
      ],
      [
        'a duration of 10^12 minutes',
        { durationMinutes: 1e12 },
        'durationMinutes',
      ],
    ] as const
  ).map(([what, overrides, field]): BadRequest => ({
    what: `access request: ${what}`,
    method: 'post',
    path: '/access-requests',
    body: {
      entityRef: REF,
      targetId: 'lowrisk',
      durationMinutes: 30,
      reason: 'on call',
      ...overrides,
    },
    as: 'user',
    field,
  })),
];

/** What each engine answered, to compare them at the end. */
const answers = new Map<string, string[]>();

async function send(backend: MttrTestBackend, bad: BadRequest) {
  const req = request(backend.server)
    [bad.method](`/api/mttr${bad.path}`)
    .set('Authorization', bad.as === 'user' ? asUser() : asService());
  return bad.body === undefined ? req : req.send(bad.body as object);
}

async function storedRows(knex: Knex) {
  const count = async (table: string, where: Record<string, string> = {}) =>
    Number(((await knex(table).where(where).count({ n: '*' })) as any)[0].n);
  return {
    events: await count('mttr_events'),
    incidents: await count('mttr_incidents'),
    manualMappings: await count('mttr_entity_mappings', { origin: 'manual' }),
    accessRequests: await count('access_requests'),
  };
}

describe.each(databases.eachSupportedId())('bad input on %s', databaseId => {
  let backend: MttrTestBackend;
  let knex: Knex;

  beforeAll(async () => {
    knex = await databases.init(databaseId);
    backend = await startMttrTestBackend({
      knex,
      entities: [
        component('payments', {
          annotations: { 'mttr.dev/access-targets': 'lowrisk' },
        }),
      ],
      config: {
        mttr: {
          definitions: [{ id: 'resolved', title: 'Time to resolve' }],
          access: {
            targets: [
              {
                id: 'lowrisk',
                maxDuration: '4h',
                provider: 'record-only',
                requireOpenIncident: false,
                approval: { policy: 'auto' },
              },
            ],
          },
        },
      },
    });
  });

  afterAll(async () => {
    await backend.stop();
  });

  it('answers every bad request 400 with a message naming the field, and stores nothing', async () => {
    const problems: string[] = [];
    const seen: string[] = [];
    for (const bad of corpus) {
      const res = await send(backend, bad);
      const message: string = res.body?.error?.message ?? '';
      seen.push(`${bad.what}: ${res.status} ${message}`);
      if (res.status !== 400 || !message.includes(bad.field)) {
        problems.push(
          `${bad.what}: ${res.status} ${message || res.text} (expected 400 naming ${bad.field})`,
        );
      }
    }
    answers.set(databaseId, seen);
    expect(problems).toEqual([]);
    expect(await storedRows(knex)).toEqual({
      events: 0,
      incidents: 0,
      manualMappings: 0,
      accessRequests: 0,
    });
  });

  it('still takes the good versions of the same requests', async () => {
    // The corpus's base requests are valid: a batch, a mapping and an
    // access request are stored (a broken rule that refused everything
    // would pass the test above).
    const sent = await backend.send([event() as any]);
    expect(sent.status).toBe(200);
    const put = await request(backend.server)
      .put('/api/mttr/mappings')
      .set('Authorization', asUser())
      .send({ mappingKey: 'k', entityRef: REF });
    expect(put.status).toBe(200);
    const asked = await request(backend.server)
      .post('/api/mttr/access-requests')
      .set('Authorization', asUser())
      .send({
        entityRef: REF,
        targetId: 'lowrisk',
        durationMinutes: 30,
        reason: 'on call',
      });
    expect(asked.status).toBe(201);
    expect(await storedRows(knex)).toEqual({
      events: 1,
      incidents: 1,
      manualMappings: 1,
      accessRequests: 1,
    });
  });
});

describe('bad input on every engine', () => {
  it('gets the same answers on each', () => {
    const [first, ...others] = [...answers.entries()];
    for (const [id, seen] of others) {
      expect({ id, seen }).toEqual({ id, seen: first[1] });
    }
  });
});
