import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  ComparisonChoices,
  ComparisonResponse,
  EntityRecoveryMetrics,
  RecoveryChange,
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { HOUR, MINUTE, metricsOf, rowOf } from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  createMttrServer,
} from '../../__testUtils__/mttrServer';
import { MttrComparisonPage } from './MttrComparisonPage';

/*
 * The backend filters, sorts, pages and computes the fleet median (GET
 * /metrics/comparison, tested in plugins/mttr-backend). These tests stand
 * in for it with answers written out per query, and check what the page
 * asks and how it shows what it is sent: the rows in the order they come.
 */
const comparisonReads: URLSearchParams[] = [];
const csvReads: URLSearchParams[] = [];

const mttr = createMttrServer();
beforeAll(() => mttr.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mttr.server.resetHandlers();
  mttr.requests.length = 0;
  comparisonReads.length = 0;
  csvReads.length = 0;
});
afterAll(() => mttr.server.close());

/** What the backend answers to one comparison query. */
type Answer = (q: URLSearchParams) => {
  rows: EntityRecoveryMetrics[];
  /** Every row that passes the filters, when not only `rows`. */
  all?: EntityRecoveryMetrics[];
  fleetMedianMs?: number | null;
};

const choices: ComparisonChoices = {
  owners: ['group:default/team-payments', 'group:default/team-storefront'],
  systems: ['payments', 'storefront'],
  kinds: ['Component'],
  lifecycles: ['production'],
  tags: [],
};

function nameOf(row: EntityRecoveryMetrics) {
  return row.title ?? row.entityRef.split('/')[1];
}

/** Answers /metrics/comparison as the contract says, from written-out rows. */
function serve(answer: Answer) {
  mttr.server.use(
    http.get(`${mttr.BASE}/metrics/comparison`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      comparisonReads.push(q);
      const { rows, all = rows, fleetMedianMs = null } = answer(q);
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 50);
      const include = (q.get('include') ?? '').split(',');
      const body: ComparisonResponse = {
        items: rows.slice(offset, offset + limit),
        totalCount: all.length,
        fleetMedianMs,
        ...(include.includes('choices') ? { choices } : {}),
        ...(include.includes('points')
          ? {
              points: all.map(r => ({
                entityRef: r.entityRef,
                name: nameOf(r),
                frequencyPer30d: r.frequencyPer30d,
                medianMs: r.medianMs,
                count: r.count,
              })),
            }
          : {}),
      };
      return HttpResponse.json(body);
    }),
  );
}

/** The includes a comparison read asked for, sorted: "choices,points". */
const includes = (q: URLSearchParams) =>
  (q.get('include') ?? '').split(',').filter(Boolean).sort().join(',');

const services: EntityRecoveryMetrics[] = [
  rowOf({
    entityRef: 'component:default/payments-api',
    owner: 'group:default/team-payments',
    system: 'payments',
    count: 8,
    medianMs: 90 * MINUTE,
    p90Ms: 5 * HOUR,
    frequencyPer30d: 8 / 3,
    severityMix: { sev1: 2, sev2: 6 },
  }),
  rowOf({
    entityRef: 'component:default/billing-worker',
    owner: 'group:default/team-payments',
    system: 'payments',
    count: 6,
    medianMs: 40 * MINUTE,
    frequencyPer30d: 2,
  }),
  rowOf({
    entityRef: 'component:default/checkout-web',
    owner: 'group:default/team-storefront',
    system: 'storefront',
    count: 2,
    medianMs: 3 * HOUR,
    frequencyPer30d: 2 / 3,
    severityMix: { sev3: 2 },
  }),
];

const teams: EntityRecoveryMetrics[] = [
  rowOf({
    entityRef: 'group:default/team-payments',
    count: 14,
    medianMs: HOUR,
    entityCount: 2,
  }),
  rowOf({
    entityRef: 'group:default/team-storefront',
    count: 2,
    medianMs: 3 * HOUR,
    entityCount: 1,
  }),
];

async function renderPage() {
  return renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <MttrComparisonPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

function serviceNames() {
  const table = screen.getByRole('table', { name: /Services compared/ });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('link')[0].textContent);
}

/** Waits until the table shows the answer to the latest read. */
async function settled() {
  await waitFor(() =>
    expect(
      screen.getByRole('table', { name: /Services compared/ }),
    ).toHaveAttribute('aria-busy', 'false'),
  );
}

const [paymentsApi, billingWorker, checkoutWeb] = services;

describe('MttrComparisonPage', () => {
  it('lists the services in the order the backend sent, with their figures, the definition and window, linking to their pages', async () => {
    serve(() => ({ rows: [checkoutWeb, paymentsApi, billingWorker] }));
    await renderPage();

    expect(
      await screen.findByRole('tab', { name: 'Services' }),
    ).toBeInTheDocument();
    await screen.findByRole('table', {
      name: /Services compared, Time to resolve · last 90 days/,
    });
    expect(serviceNames()).toEqual([
      'checkout-web',
      'payments-api',
      'billing-worker',
    ]);
    const payments = screen.getByRole('link', { name: 'payments-api' });
    expect(payments).toHaveAttribute(
      'href',
      '/catalog/default/component/payments-api',
    );
    const row = payments.closest('tr')!;
    expect(within(row).getByText('1h 30m')).toBeInTheDocument();
    expect(within(row).getByText('5h')).toBeInTheDocument();
    // the severity mix may break between severities, so it is several nodes
    expect(row).toHaveTextContent('sev1 2 · sev2 6');
    // 2 incidents: marked as a small sample
    const checkout = screen
      .getByRole('link', { name: 'checkout-web' })
      .closest('tr')!;
    expect(within(checkout).getByText(/few incidents/)).toBeInTheDocument();
    expect(within(row).queryByText(/few incidents/)).not.toBeInTheDocument();
    // the filter pickers offer the backend's choices
    expect(
      within(screen.getByLabelText('Owner'))
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Any', 'team-payments', 'team-storefront']);

    // One request: the first page, the choices and the points at once.
    expect(comparisonReads).toHaveLength(1);
    expect(Object.fromEntries(comparisonReads[0])).toMatchObject({
      definition: 'resolved',
      sort: 'medianMs',
      order: 'desc',
      offset: '0',
      limit: '25',
    });
    expect(includes(comparisonReads[0])).toBe('choices,points');
    expect(
      mttr.requests.filter(u => u.pathname.endsWith('/by-entity')),
    ).toEqual([]);
  });

  it('asks the backend for each new order, one request per click, without the points or choices again', async () => {
    serve(q => {
      if (q.get('sort') !== 'count') {
        return { rows: [checkoutWeb, paymentsApi, billingWorker] };
      }
      return q.get('order') === 'desc'
        ? { rows: [paymentsApi, billingWorker, checkoutWeb] }
        : { rows: [checkoutWeb, billingWorker, paymentsApi] };
    });
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.click(screen.getByRole('button', { name: 'Incidents' }));
    await settled();
    expect(serviceNames()).toEqual([
      'payments-api',
      'billing-worker',
      'checkout-web',
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Incidents' }));
    await settled();
    expect(serviceNames()).toEqual([
      'checkout-web',
      'billing-worker',
      'payments-api',
    ]);

    expect(comparisonReads).toHaveLength(3);
    expect(
      comparisonReads.slice(1).map(q => [q.get('sort'), q.get('order')]),
    ).toEqual([
      ['count', 'desc'],
      ['count', 'asc'],
    ]);
    expect(comparisonReads.slice(1).map(includes)).toEqual(['', '']);
  });

  it('asks the backend for the rows of an owner, and searches once the typing pauses', async () => {
    serve(q => {
      if (q.get('search') === 'nothing-like-this') {
        return { rows: [] };
      }
      if (q.get('search') === 'billing') {
        return { rows: [billingWorker] };
      }
      if (q.get('owner') === 'group:default/team-payments') {
        return { rows: [paymentsApi, billingWorker] };
      }
      return { rows: services };
    });
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      'group:default/team-payments',
    );
    await settled();
    expect(serviceNames()).toEqual(['payments-api', 'billing-worker']);
    // a new filter: new points for the scatter, the same choices
    expect(comparisonReads).toHaveLength(2);
    expect(comparisonReads[1].get('owner')).toBe('group:default/team-payments');
    expect(includes(comparisonReads[1])).toBe('points');

    await userEvent.type(screen.getByLabelText('Search services'), 'billing');
    await waitFor(() => expect(serviceNames()).toEqual(['billing-worker']));
    // seven keystrokes, one request
    expect(comparisonReads.map(q => q.get('search'))).toEqual([
      null,
      null,
      'billing',
    ]);

    await userEvent.selectOptions(screen.getByLabelText('Owner'), '');
    await userEvent.clear(screen.getByLabelText('Search services'));
    await userEvent.type(
      screen.getByLabelText('Search services'),
      'nothing-like-this',
    );
    expect(
      await screen.findByText(/Nothing matches these filters/),
    ).toBeInTheDocument();
  });

  it('asks the backend for the chosen severity only, with its own choices', async () => {
    serve(() => ({ rows: services }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.selectOptions(screen.getByLabelText('Severity'), 'sev1');
    await waitFor(() => expect(comparisonReads).toHaveLength(2));
    expect(comparisonReads[1].get('severity')).toBe('sev1');
    expect(includes(comparisonReads[1])).toBe('choices,points');
  });

  it('rolls figures up per owning team when grouped by owner', async () => {
    serve(q => ({ rows: q.get('groupBy') === 'owner' ? teams : services }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Group by owner' }),
    );

    await waitFor(() =>
      expect(serviceNames()).toEqual(['team-payments', 'team-storefront']),
    );
    expect(screen.getByRole('button', { name: 'Team' })).toBeInTheDocument();
    expect(screen.getByText('2 services')).toBeInTheDocument();
    // this window only: each row carries its change
    expect(
      comparisonReads.filter(q => q.get('groupBy') === 'owner'),
    ).toHaveLength(1);
  });

  it("exports every row that passes the filters, in the table's order, as the backend writes the CSV", async () => {
    serve(q =>
      q.get('owner')
        ? { rows: [paymentsApi, billingWorker] }
        : { rows: services },
    );
    const csv = 'Entity,Name\ncomponent:default/payments-api,payments-api\n';
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/comparison.csv`, ({ request }) => {
        csvReads.push(new URL(request.url).searchParams);
        return new HttpResponse(csv, {
          headers: { 'Content-Type': 'text/csv; charset=utf-8' },
        });
      }),
    );
    const created: Blob[] = [];
    const originalCreate = URL.createObjectURL;
    const originalRevoke = URL.revokeObjectURL;
    URL.createObjectURL = (blob: Blob) => {
      created.push(blob);
      return 'blob:mttr-test';
    };
    URL.revokeObjectURL = () => {};
    try {
      await renderPage();
      await screen.findByRole('table', { name: /Services compared/ });
      await userEvent.selectOptions(
        screen.getByLabelText('Owner'),
        'group:default/team-payments',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Incidents' }));
      await settled();
      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

      await waitFor(() => expect(created).toHaveLength(1));
      // the body as the backend sent it (fetch's Blob, which has text())
      expect(await created[0].text()).toBe(csv);
      expect(csvReads).toHaveLength(1);
      expect(Object.fromEntries(csvReads[0])).toMatchObject({
        definition: 'resolved',
        owner: 'group:default/team-payments',
        sort: 'count',
        order: 'desc',
      });
      // no paging: every row
      expect(csvReads[0].has('offset')).toBe(false);
      expect(csvReads[0].has('limit')).toBe(false);
    } finally {
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
    }
  });

  it('pages through 10,000 services on the backend, asking for one page at a time', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      rowOf({
        entityRef: `component:default/service-${String(i).padStart(5, '0')}`,
        owner: `group:default/team-${i % 40}`,
        count: 1 + (i % 50),
        medianMs: (1 + i) * MINUTE,
        frequencyPer30d: (1 + (i % 50)) / 3,
      }),
    );
    const slowestFirst = [...many].reverse();
    serve(q => ({ rows: q.get('order') === 'asc' ? many : slowestFirst }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    expect(serviceNames()).toHaveLength(25);
    expect(serviceNames()[0]).toBe('service-09999');
    expect(screen.getByText('1-25 of 10000')).toBeInTheDocument();
    // every service on the scatter, as one path of dots
    expect(
      screen.getByRole('img', {
        name: /against median MTTR, .*, 10000 services$/,
      }),
    ).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));
    await settled();
    expect(screen.getByText('26-50 of 10000')).toBeInTheDocument();
    expect(serviceNames()[0]).toBe('service-09974');
    expect(comparisonReads[1].get('offset')).toBe('25');
    expect(includes(comparisonReads[1])).toBe('');

    // a new order starts again at the first page
    await userEvent.click(screen.getByRole('button', { name: 'Median MTTR' }));
    await settled();
    expect(serviceNames()[0]).toBe('service-00000');
    expect(screen.getByText('1-25 of 10000')).toBeInTheDocument();
    expect(comparisonReads).toHaveLength(3);
    expect(Object.fromEntries(comparisonReads[2])).toMatchObject({
      sort: 'medianMs',
      order: 'asc',
      offset: '0',
    });
  }, 60_000);

  it("shows the backend's message when the comparison cannot be read", async () => {
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/comparison`, () =>
        backstageError(500, 'Error', 'Database is down'),
      ),
    );
    await renderPage();
    expect(await screen.findByText(/Database is down/)).toBeInTheDocument();
  });

  it('says what to do when no service had incidents', async () => {
    serve(() => ({ rows: [] }));
    await renderPage();
    expect(
      await screen.findByText(/No service had incidents in the last 90 days/),
    ).toBeInTheDocument();
    expect(screen.getByText(/pagerduty.com\/service-id/)).toBeInTheDocument();
  });
});

/** The backend's change of a row: the ratio of the medians and the test's p-value. */
function changeOf(
  medianRatio: number | null,
  pValue: number | null,
): RecoveryChange {
  return {
    ...metricsOf().change,
    previousRecovered: 20,
    previousMedianMs: HOUR,
    medianRatio,
    pValue,
    significant: pValue !== null && pValue < 0.05,
  };
}

/*
 * Four services whose medians are 3h, 1h, 15m and 6h: the backend's fleet
 * median is the mean of the middle two, (1h + 3h) / 2 = 2h.
 * - slow-api: interval 2h 10m–5h lies above 2h: slower than the fleet; its
 *   change +80% is significant (p = 0.004).
 * - mid-api: interval 20m–4h contains 2h: not marked; −45% within noise.
 * - fast-api: interval 10m–25m lies below 2h: faster than the fleet; its
 *   change −10% is within noise.
 * - few-api: 4 recoveries, no interval: never marked, however slow; +50%
 *   not tested.
 */
const uncertain: EntityRecoveryMetrics[] = [
  rowOf({
    entityRef: 'component:default/slow-api',
    count: 30,
    recovered: 30,
    medianMs: 3 * HOUR,
    medianCi: { lowMs: 2 * HOUR + 10 * MINUTE, highMs: 5 * HOUR },
    p90Ms: 8 * HOUR,
    frequencyPer30d: 10,
    change: changeOf(1.8, 0.004),
  }),
  rowOf({
    entityRef: 'component:default/mid-api',
    count: 12,
    recovered: 12,
    medianMs: HOUR,
    medianCi: { lowMs: 20 * MINUTE, highMs: 4 * HOUR },
    frequencyPer30d: 4,
    change: changeOf(0.55, 0.41),
  }),
  rowOf({
    entityRef: 'component:default/fast-api',
    count: 40,
    recovered: 40,
    medianMs: 15 * MINUTE,
    medianCi: { lowMs: 10 * MINUTE, highMs: 25 * MINUTE },
    p90Ms: HOUR,
    p90Ci: { lowMs: 40 * MINUTE, highMs: 90 * MINUTE },
    frequencyPer30d: 13,
    change: changeOf(0.9, 0.62),
  }),
  rowOf({
    entityRef: 'component:default/few-api',
    count: 4,
    recovered: 4,
    medianMs: 6 * HOUR,
    frequencyPer30d: 4 / 3,
    change: changeOf(1.5, null),
  }),
];

function rowNamed(name: string) {
  return screen.getByRole('link', { name }).closest('tr')!;
}

describe('MttrComparisonPage, with how sure each figure is', () => {
  it("reads one set of rows per window: the previous window's figures come with each row", async () => {
    serve(() => ({ rows: uncertain, fleetMedianMs: 2 * HOUR }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    expect(comparisonReads).toHaveLength(1);
    const { from, to } = Object.fromEntries(comparisonReads[0]);
    // 90 days up to now
    expect(Date.parse(to) - Date.parse(from)).toBe(90 * 86_400_000);
    // nothing asked of the window that ends where this one starts
    expect(
      [...comparisonReads, ...mttr.requests.map(u => u.searchParams)].filter(
        q => q.get('to') === from,
      ),
    ).toEqual([]);
  });

  it('never says faster or slower for a change within noise, and says when a change was not tested', async () => {
    serve(() => ({ rows: uncertain, fleetMedianMs: 2 * HOUR }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    const changeOfRow = (name: string) =>
      within(rowNamed(name)).getByTestId('mttr-change-test').closest('td')!;
    expect(changeOfRow('mid-api')).toHaveTextContent(
      /^−45%within noise \(p = 0\.41\)$/,
    );
    expect(changeOfRow('fast-api')).toHaveTextContent(
      /^−10%within noise \(p = 0\.62\)$/,
    );
    expect(changeOfRow('few-api')).toHaveTextContent(/^\+50%not tested$/);
    expect(changeOfRow('few-api')).toHaveAttribute(
      'title',
      '+50%, not tested: needs 5 recoveries in each window (4 now, 20 before)',
    );
    expect(changeOfRow('slow-api')).toHaveTextContent(
      /^\+80%slower, p = 0\.004$/,
    );
  });

  it('shows each median with its interval and whisker, and an unbounded interval as such', async () => {
    serve(() => ({ rows: uncertain, fleetMedianMs: 2 * HOUR }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    const slow = rowNamed('slow-api');
    expect(within(slow).getByTestId('mttr-median-ci')).toHaveTextContent(
      '2h 10m–5h',
    );
    expect(
      within(slow).getByRole('img', {
        name: 'Median 3h, 95% interval 2h 10m to 5h; fleet median 2h',
      }),
    ).toBeInTheDocument();

    const few = rowNamed('few-api');
    expect(within(few).getByTestId('mttr-median-ci')).toHaveTextContent(
      'not bounded (4)',
    );
    expect(within(few).getByTestId('mttr-median-ci')).toHaveAttribute(
      'title',
      '4 recoveries: interval not bounded yet (needs 6)',
    );
    expect(within(few).queryByRole('img')).not.toBeInTheDocument();
  });

  it('marks a service slower or faster than the fleet median only when its interval excludes it', async () => {
    serve(() => ({ rows: uncertain, fleetMedianMs: 2 * HOUR }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    expect(screen.getByTestId('mttr-fleet-median')).toHaveTextContent(
      /^Fleet median 2h: the median of the medians of the 4 services shown/,
    );
    const position = (name: string) =>
      within(rowNamed(name)).queryByTestId('mttr-fleet-position')
        ?.textContent ?? null;
    expect(position('slow-api')).toBe('▲ slower than fleet');
    expect(position('fast-api')).toBe('▼ faster than fleet');
    // 1h, but 20m–4h contains 2h: cannot be told apart from the fleet
    expect(position('mid-api')).toBeNull();
    // 6h, but 4 recoveries bound no interval
    expect(position('few-api')).toBeNull();
    expect(rowNamed('mid-api')).not.toHaveTextContent(/faster|slower/);
  });

  it('draws a whisker on the scatter for each service with a bounded interval', async () => {
    serve(() => ({ rows: uncertain, fleetMedianMs: 2 * HOUR }));
    const { container } = await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    const chart = await screen.findByRole('img', {
      name: /Incidents per 30 days against median MTTR/,
    });
    await waitFor(() =>
      expect(chart.querySelectorAll('.recharts-errorBar')).toHaveLength(3),
    );
    expect(container).toHaveTextContent('Interval not bounded yet');
    expect(container).toHaveTextContent('fleet median 2h');
  });
});

/*
 * Two services beside their recovery figures:
 * - deploy-api: 3 change failures of 25 live deployments (3 / 25 = 12%,
 *   medium), 25 * 30 / 90 = 8.3 deployments per 30 days, 2 recovered with
 *   a median of 41m, 1 open; 4 of 5 due reviews published in time (80%),
 *   7 open action items; 4 incidents with access, median 6m 30s.
 * - quiet-api: no deployment, no review due, no access: dashes, with what
 *   is missing said under them.
 */
const stable: EntityRecoveryMetrics[] = [
  rowOf({
    entityRef: 'component:default/deploy-api',
    count: 12,
    medianMs: HOUR,
    deployments: {
      ...emptyDeploymentFigures(),
      count: 25,
      changeFailures: 3,
      changeFailureRate: 3 / 25,
      band: 'medium',
      frequencyPer30d: (25 * 30) / 90,
      recovery: {
        ...emptyDeploymentFigures().recovery,
        recovered: 2,
        open: 1,
        medianMs: 41 * MINUTE,
      },
      linkedBy: { explicit: 1, rollback: 1, window: 1 },
    },
    levers: {
      ...emptyLevers(),
      reviews: {
        ...emptyLevers().reviews,
        due: 5,
        published: 4,
        coverage: 4 / 5,
        openActionItems: 7,
      },
      access: {
        incidentsWithAccess: 4,
        medianTimeToAccessMs: 6.5 * MINUTE,
        breakGlass: 0,
      },
    },
  }),
  rowOf({
    entityRef: 'component:default/quiet-api',
    count: 6,
    medianMs: 20 * MINUTE,
  }),
];

describe('MttrComparisonPage, with deployments and the levers of recovery', () => {
  it('shows CFR with its band and counts, deployment frequency, deploy recovery, reviews, open actions and time to access', async () => {
    serve(() => ({ rows: stable }));
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    const cell = (name: string, testId: string) =>
      within(rowNamed(name)).getByTestId(testId);
    expect(cell('deploy-api', 'mttr-cfr-cell')).toHaveTextContent(
      /^12%★★☆☆3 of 25$/,
    );
    expect(
      within(rowNamed('deploy-api')).getByLabelText('CFR band: Medium'),
    ).toBeInTheDocument();
    expect(cell('deploy-api', 'mttr-deploy-frequency-cell')).toHaveTextContent(
      /^8\.3$/,
    );
    expect(cell('deploy-api', 'mttr-deploy-recovery-cell')).toHaveTextContent(
      /^41m2 recovered, 1 open$/,
    );
    expect(cell('deploy-api', 'mttr-reviews-cell')).toHaveTextContent(
      /^80%4 of 5 due$/,
    );
    expect(cell('deploy-api', 'mttr-action-items-cell')).toHaveTextContent(
      /^7$/,
    );
    expect(cell('deploy-api', 'mttr-access-cell')).toHaveTextContent(
      /^6m 30s4 incidents$/,
    );

    expect(cell('quiet-api', 'mttr-cfr-cell')).toHaveTextContent(
      /^–no deployments$/,
    );
    expect(
      within(rowNamed('quiet-api')).queryByTestId('mttr-cfr-band'),
    ).not.toBeInTheDocument();
    expect(cell('quiet-api', 'mttr-deploy-frequency-cell')).toHaveTextContent(
      /^–$/,
    );
    expect(cell('quiet-api', 'mttr-deploy-recovery-cell')).toHaveTextContent(
      /^–$/,
    );
    expect(cell('quiet-api', 'mttr-reviews-cell')).toHaveTextContent(
      /^–none due$/,
    );
    expect(cell('quiet-api', 'mttr-access-cell')).toHaveTextContent(/^–$/);
  });

  it.each([
    ['CFR', 'changeFailureRate'],
    ['Deploys / 30 d', 'deploymentFrequencyPer30d'],
    ['Deploy recovery', 'failedDeploymentRecoveryMs'],
    ['Reviews', 'reviewCoverage'],
    ['Open actions', 'openActionItems'],
    ['Time to access', 'medianTimeToAccessMs'],
  ])(
    'asks the backend to sort by the %s column as %s, highest first, then lowest',
    async (title, field) => {
      serve(() => ({ rows: stable }));
      await renderPage();
      await screen.findByRole('table', { name: /Services compared/ });

      await userEvent.click(screen.getByRole('button', { name: title }));
      await settled();
      await userEvent.click(screen.getByRole('button', { name: title }));
      await settled();

      expect(
        comparisonReads.slice(1).map(q => [q.get('sort'), q.get('order')]),
      ).toEqual([
        [field, 'desc'],
        [field, 'asc'],
      ]);
    },
  );

  it('asks the backend for the picked CFR bands only, in its order, and exports with them', async () => {
    serve(q => ({
      rows: q.get('changeFailureBand') ? [stable[0]] : stable,
    }));
    const csv = 'Entity\ncomponent:default/deploy-api\n';
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/comparison.csv`, ({ request }) => {
        csvReads.push(new URL(request.url).searchParams);
        return new HttpResponse(csv, {
          headers: { 'Content-Type': 'text/csv; charset=utf-8' },
        });
      }),
    );
    const originalCreate = URL.createObjectURL;
    const originalRevoke = URL.revokeObjectURL;
    URL.createObjectURL = () => 'blob:mttr-test';
    URL.revokeObjectURL = () => {};
    try {
      await renderPage();
      await screen.findByRole('table', { name: /Services compared/ });
      expect(comparisonReads[0].has('changeFailureBand')).toBe(false);

      await userEvent.click(screen.getByRole('button', { name: /CFR band/ }));
      const menu = await screen.findByRole('listbox');
      // the menu stays open for several picks, each asked at once (the
      // open menu hides the table from the accessibility tree)
      for (const band of ['Low', 'Medium', 'No deployments']) {
        await userEvent.click(within(menu).getByRole('option', { name: band }));
      }
      await userEvent.keyboard('{Escape}');
      await settled();

      expect(comparisonReads.map(q => q.get('changeFailureBand'))).toEqual([
        null,
        'low',
        // picked after low, asked in the backend's order
        'medium,low',
        'medium,low,none',
      ]);
      // a new filter: new points for the scatter, the same choices
      expect(includes(comparisonReads[1])).toBe('points');
      expect(comparisonReads[3].get('offset')).toBe('0');
      expect(serviceNames()).toEqual(['deploy-api']);
      expect(
        screen.getByRole('button', { name: /CFR band/ }),
      ).toHaveTextContent('Medium, Low, No deployments');

      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));
      await waitFor(() => expect(csvReads).toHaveLength(1));
      expect(csvReads[0].get('changeFailureBand')).toBe('medium,low,none');
    } finally {
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
    }
  });
});
