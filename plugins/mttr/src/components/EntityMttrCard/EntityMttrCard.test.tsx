import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import {
  renderInTestApp,
  TestApiProvider,
  mockApis,
} from '@backstage/test-utils';
import { configApiRef } from '@backstage/core-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { mttrApiRef } from '../../api';
import {
  HOUR,
  MINUTE,
  incidentOf,
  metricsOf,
  paymentsApi,
} from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  createMttrServer,
} from '../../__testUtils__/mttrServer';
import { EntityMttrCard } from './EntityMttrCard';

const mttr = createMttrServer();
beforeAll(() => mttr.server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  mttr.server.resetHandlers();
  mttr.requests.length = 0;
});
afterAll(() => mttr.server.close());

/** Figures of the current window come back for a `from` after the previous window's. */
function isPreviousWindow(q: URLSearchParams) {
  const length = Date.parse(q.get('to')!) - Date.parse(q.get('from')!);
  return Date.now() - Date.parse(q.get('to')!) > length / 2;
}

async function renderCard(entity: Entity = paymentsApi, config = {}) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [mttrApiRef, clientForTests()],
        [configApiRef, mockApis.config({ data: config })],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityMttrCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const busyService = {
  metrics: (q: URLSearchParams) =>
    isPreviousWindow(q)
      ? metricsOf({ count: 6, recovered: 6, medianMs: HOUR, meanMs: HOUR })
      : metricsOf({
          definition: q.get('definition')!,
          count: 7,
          recovered: 6,
          open: 1,
          // median 1h 30m against 1h before: 50% slower
          medianMs:
            q.get('definition') === 'mitigated' ? 20 * MINUTE : 90 * MINUTE,
          meanMs: 2 * HOUR,
          p90Ms: 5 * HOUR,
          // 7 incidents over 90 days = 7 * 30 / 90 = 2.3 per 30 days
          frequencyPer30d: (7 * 30) / 90,
          stages: {
            detectMs: 4 * MINUTE,
            acknowledgeMs: 6 * MINUTE,
            mitigateMs: 30 * MINUTE,
            resolveMs: 50 * MINUTE,
          },
          severityMix: { sev1: 1, sev2: 6 },
        }),
  series: () => ({
    entityRef: 'component:default/payments-api',
    definition: 'resolved',
    bucket: 'week' as const,
    items: [],
  }),
  incidents: (q: URLSearchParams) =>
    q.getAll('status').includes('open')
      ? {
          items: [
            incidentOf({
              incidentId: 'Q9',
              title: 'Checkout latency',
              severity: 'sev1' as const,
              status: 'open' as const,
              // started 2h 1m ago, as the card (whose clock read a moment earlier) says
              startedAt: new Date(Date.now() - 2 * HOUR - MINUTE).toISOString(),
              runbookUrl: 'https://runbooks.example.com/latency',
              url: 'https://pagerduty.example.com/incidents/Q9',
            }),
          ],
          totalCount: 1,
        }
      : { items: [], totalCount: 0 },
};

describe('EntityMttrCard', () => {
  it('shows median, mean, change and frequency with the definition and window they use', async () => {
    mttr.setBackend(busyService);
    await renderCard();

    expect(await screen.findByTestId('mttr-median')).toHaveTextContent(
      '1h 30m',
    );
    expect(screen.getByTestId('mttr-mean')).toHaveTextContent('2h');
    expect(screen.getByTestId('mttr-change')).toHaveTextContent('+50%');
    expect(screen.getByTestId('mttr-frequency')).toHaveTextContent('2.3');
    expect(
      screen.getAllByText(/Time to resolve · last 90 days/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/based on 7 incidents/)).toBeInTheDocument();
    expect(
      screen.getByText(/the median is 50% slower than in the previous 90 days/),
    ).toBeInTheDocument();
    // 1h 30m is under a day: the "high" band by default.
    expect(screen.getByLabelText('DORA band: High')).toBeInTheDocument();
    expect(screen.queryByText(/Few incidents/)).not.toBeInTheDocument();
  });

  it('asks for the last 90 days and the 90 days before them', async () => {
    mttr.setBackend(busyService);
    await renderCard();
    await screen.findByTestId('mttr-median');

    const windows = mttr.requests
      .filter(u => u.pathname.endsWith('/metrics'))
      .map(u => ({
        from: Date.parse(u.searchParams.get('from')!),
        to: Date.parse(u.searchParams.get('to')!),
      }))
      .sort((a, b) => a.from - b.from);
    expect(windows).toHaveLength(2);
    const day = 86_400_000;
    expect(windows[0].to - windows[0].from).toBe(90 * day);
    expect(windows[1].to - windows[1].from).toBe(90 * day);
    expect(windows[0].to).toBe(windows[1].from);
  });

  it('switches to another definition and names it beside the numbers', async () => {
    mttr.setBackend(busyService);
    await renderCard();
    await screen.findByTestId('mttr-median');

    await userEvent.selectOptions(
      screen.getByLabelText('Recovery definition'),
      'mitigated',
    );

    await waitFor(() =>
      expect(screen.getByTestId('mttr-median')).toHaveTextContent('20m'),
    );
    expect(
      screen.getAllByText(/Time to mitigate · last 90 days/).length,
    ).toBeGreaterThan(0);
  });

  it('uses the configured DORA thresholds', async () => {
    mttr.setBackend(busyService);
    await renderCard(paymentsApi, { mttr: { dora: { elite: '2h' } } });
    expect(
      await screen.findByLabelText('DORA band: Elite'),
    ).toBeInTheDocument();
  });

  it('hints that the sample is small below five incidents', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: () =>
        metricsOf({
          count: 3,
          recovered: 3,
          medianMs: 10 * MINUTE,
          frequencyPer30d: 1,
        }),
    });
    await renderCard();
    expect(await screen.findByText(/Few incidents \(3\)/)).toBeInTheDocument();
    expect(screen.getByText(/based on 3 incidents/)).toBeInTheDocument();
  });

  it('lists open incidents with severity, age, source link and runbook link', async () => {
    mttr.setBackend(busyService);
    await renderCard();

    const section = (await screen.findByText('Open incidents (1)')).closest(
      'section',
    )!;
    const rows = within(section);
    expect(rows.getByText('Checkout latency')).toBeInTheDocument();
    expect(rows.getByText('sev1')).toBeInTheDocument();
    expect(rows.getByText(/open · started 2h( 1m)? ago/)).toBeInTheDocument();
    expect(
      rows.getByRole('link', { name: /^View in pagerduty/ }),
    ).toHaveAttribute('href', 'https://pagerduty.example.com/incidents/Q9');
    expect(rows.getByRole('link', { name: /^Runbook/ })).toHaveAttribute(
      'href',
      'https://runbooks.example.com/latency',
    );
  });

  it('links only the http(s) runbooks and shows the others as text', async () => {
    mttr.setBackend(busyService);
    await renderCard();

    const section = (await screen.findByText('Runbooks')).closest('section')!;
    const runbooks = within(section);
    expect(
      runbooks.getByRole('link', { name: /^Payments API runbook/ }),
    ).toHaveAttribute('href', 'https://wiki.example.com/payments-api/runbook');
    expect(
      runbooks.getByRole('link', {
        name: /^https:\/\/runbooks.example.com\/payments-api\/restart/,
      }),
    ).toBeInTheDocument();
    expect(runbooks.getAllByRole('link')).toHaveLength(2);
    // eslint-disable-next-line no-script-url -- such a URL must never become a link
    expect(runbooks.getByText('javascript:alert(1)')).toBeInTheDocument();
    expect(
      runbooks.getByText(
        /Old runbook \(ftp:\/\/files.example.com\/runbook.txt\)/,
      ),
    ).toBeInTheDocument();
    // the dashboard link is not a runbook
    expect(runbooks.queryByText('Dashboard')).not.toBeInTheDocument();
  });

  it('shows who is on call when the backend has an on-call lookup', async () => {
    mttr.setBackend({
      ...busyService,
      onCall: () => ({
        items: [
          { name: 'Rota B', escalationLevel: 2 },
          { name: 'Rota A', escalationLevel: 1 },
        ],
      }),
    });
    await renderCard();
    const section = (await screen.findByText('On call now')).closest(
      'section',
    )!;
    const items = within(section).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('Rota A (level 1)');
    expect(items[1]).toHaveTextContent('Rota B (level 2)');
  });

  it('leaves the on-call section out while the backend answers 404 for it', async () => {
    mttr.setBackend(busyService);
    await renderCard();
    await screen.findByTestId('mttr-median');
    await waitFor(() =>
      expect(mttr.requests.some(u => u.pathname.endsWith('/on-call'))).toBe(
        true,
      ),
    );
    expect(screen.queryByText('On call now')).not.toBeInTheDocument();
    expect(
      screen.queryByText(/could not be looked up/),
    ).not.toBeInTheDocument();
  });

  it('explains how to map a source when the entity has none and no incidents', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: () => metricsOf(),
      incidents: () => ({ items: [], totalCount: 0 }),
    });
    const unmapped: Entity = {
      ...paymentsApi,
      metadata: { name: 'lonely', namespace: 'default' },
    };
    await renderCard(unmapped);
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/pagerduty.com\/service-id/).length,
    ).toBeGreaterThan(0);
    expect(screen.queryByTestId('mttr-median')).not.toBeInTheDocument();
  });

  it("shows the backend's error message when the figures cannot be read", async () => {
    mttr.setBackend(busyService);
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics`, () =>
        backstageError(403, 'NotAllowedError', 'You may not read payments-api'),
      ),
    );
    await renderCard();
    expect(
      await screen.findByText(/You may not read payments-api/),
    ).toBeInTheDocument();
  });
});
