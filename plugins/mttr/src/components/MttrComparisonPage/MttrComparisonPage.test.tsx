import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  EntityRecoveryMetrics,
  RecoveryChange,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { HOUR, MINUTE, metricsOf, rowOf } from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  createMttrServer,
} from '../../__testUtils__/mttrServer';
import { MttrComparisonPage } from './MttrComparisonPage';

const mttr = createMttrServer();
beforeAll(() => mttr.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mttr.server.resetHandlers();
  mttr.requests.length = 0;
});
afterAll(() => mttr.server.close());

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

/** jsdom's Blob has no text(): read it the way a browser of 2015 would. */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** Answers by-entity queries from a row list, paging as the backend does. */
function pageOf(rows: EntityRecoveryMetrics[], q: URLSearchParams) {
  const offset = Number(q.get('offset') ?? 0);
  const limit = Number(q.get('limit') ?? 100);
  return { items: rows.slice(offset, offset + limit), totalCount: rows.length };
}

function serve(rows: EntityRecoveryMetrics[]) {
  mttr.setBackend({
    byEntity: q => pageOf(q.get('groupBy') === 'owner' ? teams : rows, q),
  });
}

async function renderPage() {
  return renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <MttrComparisonPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The median MTTR of generated service i, in minutes: 1 to 997. */
function medianMinutesOf(i: number): number {
  return 1 + ((i * 7919) % 997);
}

function serviceNames() {
  const table = screen.getByRole('table', { name: /Services compared/ });
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('link')[0].textContent);
}

describe('MttrComparisonPage', () => {
  it('lists every service with its figures, the definition and window, linking to its page', async () => {
    serve(services);
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
  });

  it('sorts by a column and flips the order on a second click', async () => {
    serve(services);
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.click(screen.getByRole('button', { name: 'Incidents' }));
    expect(serviceNames()).toEqual([
      'payments-api',
      'billing-worker',
      'checkout-web',
    ]);
    await userEvent.click(screen.getByRole('button', { name: 'Incidents' }));
    expect(serviceNames()).toEqual([
      'checkout-web',
      'billing-worker',
      'payments-api',
    ]);
  });

  it('filters by owner and by search text', async () => {
    serve(services);
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.selectOptions(
      screen.getByLabelText('Owner'),
      'group:default/team-payments',
    );
    expect(serviceNames()).toEqual(['payments-api', 'billing-worker']);
    await userEvent.type(screen.getByLabelText('Search services'), 'billing');
    await waitFor(() => expect(serviceNames()).toEqual(['billing-worker']));
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

  it('asks the backend for the chosen severity only', async () => {
    serve(services);
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.selectOptions(screen.getByLabelText('Severity'), 'sev1');
    await waitFor(() =>
      expect(
        mttr.requests.some(u => u.searchParams.get('severity') === 'sev1'),
      ).toBe(true),
    );
  });

  it('rolls figures up per owning team when grouped by owner', async () => {
    serve(services);
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    await userEvent.click(
      screen.getByRole('checkbox', { name: 'Group by owner' }),
    );

    await waitFor(() =>
      expect(serviceNames()).toEqual(['team-storefront', 'team-payments']),
    );
    expect(screen.getByRole('button', { name: 'Team' })).toBeInTheDocument();
    expect(screen.getByText('2 services')).toBeInTheDocument();
    expect(
      mttr.requests.filter(u => u.searchParams.get('groupBy') === 'owner'),
    ).toHaveLength(1); // this window only: each row carries its change
  });

  it('exports what the table shows, in its order, as CSV', async () => {
    serve(services);
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
      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

      expect(created).toHaveLength(1);
      const lines = (await readBlob(created[0])).trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(
        // the median, its interval (not bounded here), the p90, its interval
        /^component:default\/payments-api,payments-api,group:default\/team-payments,payments,90.0,,,300.0,,,/,
      );
      expect(lines[2]).toMatch(/^component:default\/billing-worker,/);
      expect(lines[2]).toMatch(/,Time to resolve,last 90 days$/);
    } finally {
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
    }
  });

  it('pages through 10,000 services, rendering one page at a time', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      rowOf({
        entityRef: `component:default/service-${String(i).padStart(5, '0')}`,
        owner: `group:default/team-${i % 40}`,
        count: 1 + (i % 50),
        // scrambled, so that the unsorted order is not sorted by median
        medianMs: medianMinutesOf(i) * MINUTE,
        frequencyPer30d: (1 + (i % 50)) / 3,
      }),
    );
    serve(many);
    await renderPage();
    await screen.findByRole(
      'table',
      { name: /Services compared/ },
      { timeout: 20_000 },
    );

    expect(serviceNames()).toHaveLength(25);
    expect(screen.getByText('1-25 of 10000')).toBeInTheDocument();
    // read in pages of 1000, for this window only
    expect(
      mttr.requests.filter(u => u.pathname.endsWith('/by-entity')),
    ).toHaveLength(10);

    // Sorted by median MTTR, slowest first, one page at a time; a click on
    // the column sorts all 10,000 the other way.
    const mediansShown = () =>
      serviceNames().map(name =>
        medianMinutesOf(Number(name!.replace(/\D/g, ''))),
      );
    const slowestFirst = mediansShown();
    expect(slowestFirst[0]).toBe(997);
    expect(slowestFirst).toEqual([...slowestFirst].sort((a, b) => b - a));
    await userEvent.click(screen.getByRole('button', { name: 'Median MTTR' }));
    const fastestFirst = mediansShown();
    expect(fastestFirst).toHaveLength(25);
    expect(fastestFirst[0]).toBe(1);
    expect(fastestFirst).toEqual([...fastestFirst].sort((a, b) => a - b));
  }, 60_000);

  it("shows the backend's message when the comparison cannot be read", async () => {
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/by-entity`, () =>
        backstageError(500, 'Error', 'Database is down'),
      ),
    );
    await renderPage();
    expect(await screen.findByText(/Database is down/)).toBeInTheDocument();
  });

  it('says what to do when no service had incidents', async () => {
    serve([]);
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
 * Four services whose medians are 3h, 1h, 15m and 6h: the fleet median is
 * the mean of the middle two, (1h + 3h) / 2 = 2h.
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
    serve(uncertain);
    await renderPage();
    await screen.findByRole('table', { name: /Services compared/ });

    const reads = mttr.requests.filter(u => u.pathname.endsWith('/by-entity'));
    expect(reads).toHaveLength(1);
    const { from, to } = Object.fromEntries(reads[0].searchParams);
    // 90 days up to now
    expect(Date.parse(to) - Date.parse(from)).toBe(90 * 86_400_000);
    // nothing asked of the window that ends where this one starts
    expect(
      mttr.requests.filter(u => u.searchParams.get('to') === from),
    ).toEqual([]);
  });

  it('never says faster or slower for a change within noise, and says when a change was not tested', async () => {
    serve(uncertain);
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
    serve(uncertain);
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
    serve(uncertain);
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
    serve(uncertain);
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

  it('exports the interval bounds, the p-value and its significance as CSV', async () => {
    serve(uncertain);
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
      await userEvent.click(screen.getByRole('button', { name: /Export CSV/ }));

      const [header, ...lines] = (await readBlob(created[0]))
        .trim()
        .split('\n')
        .map(line => line.split(','));
      const byEntity = Object.fromEntries(
        lines.map(cells => [
          cells[0],
          Object.fromEntries(header.map((name, i) => [name, cells[i]])),
        ]),
      );
      expect(byEntity['component:default/fast-api']).toMatchObject({
        'Median (min)': '15.0',
        'Median 95% CI low (min)': '10.0',
        'Median 95% CI high (min)': '25.0',
        'p90 (min)': '60.0',
        'p90 95% CI low (min)': '40.0',
        'p90 95% CI high (min)': '90.0',
        'Change of median vs previous period (%)': '-10',
        'Change p-value': '0.62',
        'Change significant (p < 0.05)': 'no',
      });
      expect(byEntity['component:default/slow-api']).toMatchObject({
        'Median 95% CI low (min)': '130.0',
        'Median 95% CI high (min)': '300.0',
        'Change p-value': '0.004',
        'Change significant (p < 0.05)': 'yes',
      });
      expect(byEntity['component:default/few-api']).toMatchObject({
        'Median 95% CI low (min)': '',
        'Median 95% CI high (min)': '',
        'Change p-value': '',
        'Change significant (p < 0.05)': 'not tested',
      });
    } finally {
      URL.createObjectURL = originalCreate;
      URL.revokeObjectURL = originalRevoke;
    }
  });
});
