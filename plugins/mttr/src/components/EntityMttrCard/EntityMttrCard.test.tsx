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
  emptyDeploymentFigures,
  emptyLevers,
} from '@mttr-backstage/plugin-mttr-common';
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
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { EntityMttrCard, EntityMttrCardProps } from './EntityMttrCard';

const mttr = setUpMttrServer();

async function renderCard(
  entity: Entity = paymentsApi,
  config = {},
  props: EntityMttrCardProps = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [mttrApiRef, clientForTests()],
        [configApiRef, mockApis.config({ data: config })],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityMttrCard {...props} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** The change the backend answers with the figures. */
const withinNoise = {
  previousFrom: '2026-05-31T00:00:00.000Z',
  previousTo: '2026-08-29T00:00:00.000Z',
  previousRecovered: 6,
  previousMedianMs: HOUR,
  // median 1h 30m against 1h before: +50%, but p = 0.41 says it may be noise
  medianRatio: 1.5,
  pValue: 0.41,
  significant: false,
};

const busyService = {
  metrics: (q: URLSearchParams) =>
    metricsOf({
      definition: q.get('definition')!,
      count: 7,
      recovered: 6,
      open: 1,
      medianMs: q.get('definition') === 'mitigated' ? 20 * MINUTE : 90 * MINUTE,
      // 6 recoveries: the interval is [x1, x6], here 40m to 3h
      medianCi: { lowMs: 40 * MINUTE, highMs: 3 * HOUR },
      change: withinNoise,
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
    expect(screen.getByTestId('mttr-median-ci')).toHaveTextContent(
      '95% CI 40m–3h',
    );
    expect(screen.getByTestId('mttr-change')).toHaveTextContent('+50%');
    expect(screen.getByTestId('mttr-change-test')).toHaveTextContent(
      'within noise',
    );
    expect(screen.getByTestId('mttr-frequency')).toHaveTextContent('2.3');
    expect(
      screen.getAllByText(/Time to resolve · last 90 days/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/based on 7 incidents/)).toBeInTheDocument();
    expect(
      screen.getByText(/\+50%, within noise \(p = 0\.41\)/),
    ).toBeInTheDocument();
    // Not significant: the card never calls it slower (or faster).
    expect(screen.queryByText(/slower|faster/)).not.toBeInTheDocument();
    // The interval 40m–3h reaches under an hour (elite) and under a day
    // (high): no single band can be claimed.
    expect(
      screen.getByLabelText('DORA band: between High and Elite'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Few incidents/)).not.toBeInTheDocument();
  });

  it('says faster only for a significant change, with its p-value', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: () =>
        metricsOf({
          count: 40,
          recovered: 40,
          medianMs: 33 * MINUTE,
          medianCi: { lowMs: 22 * MINUTE, highMs: 48 * MINUTE },
          // 33m against 1h: −45%, p = 0.01
          change: {
            ...withinNoise,
            previousRecovered: 38,
            medianRatio: 0.55,
            pValue: 0.01,
            significant: true,
          },
        }),
    });
    await renderCard();
    expect(await screen.findByTestId('mttr-change')).toHaveTextContent('−45%');
    expect(screen.getByTestId('mttr-change-test')).toHaveTextContent(
      'significant',
    );
    expect(
      screen.getByText(
        /the median is faster than in the previous 90 days \(−45%, p = 0\.01\)/,
      ),
    ).toBeInTheDocument();
    // The whole interval 22m–48m is under an hour: elite.
    expect(screen.getByLabelText('DORA band: Elite')).toBeInTheDocument();
  });

  it('says how many recoveries it has when the interval is not bounded yet', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: () =>
        metricsOf({
          count: 3,
          recovered: 3,
          medianMs: 25 * MINUTE,
          change: {
            ...withinNoise,
            previousRecovered: 2,
            previousMedianMs: 50 * MINUTE,
            medianRatio: 0.5,
            // Fewer than 5 recoveries in a window: no test.
            pValue: null,
            significant: false,
          },
        }),
    });
    await renderCard();
    expect(await screen.findByTestId('mttr-median-ci')).toHaveTextContent(
      '3 recoveries: interval not bounded yet (needs 6)',
    );
    expect(screen.getByTestId('mttr-change-test')).toHaveTextContent(
      'not tested',
    );
    expect(
      screen.getByText(
        /−50%, not tested: needs 5 recoveries in each window \(3 now, 2 before\)/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/slower|faster/)).not.toBeInTheDocument();
    expect(
      screen.getByText('DORA band: not enough recoveries to place'),
    ).toBeInTheDocument();
  });

  it('asks for the last 90 days once: the change comes with the figures', async () => {
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
    expect(windows).toHaveLength(1);
    const day = 86_400_000;
    expect(windows[0].to - windows[0].from).toBe(90 * day);
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
    // Elite under 4h: the whole interval 40m–3h lies in it.
    await renderCard(paymentsApi, { mttr: { dora: { elite: '4h' } } });
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

  describe('just-in-time access on an open incident', () => {
    const withTargets: Entity = {
      ...paymentsApi,
      metadata: {
        ...paymentsApi.metadata,
        annotations: {
          ...paymentsApi.metadata.annotations,
          'mttr.dev/access-targets': 'prod-db-readonly',
        },
      },
    };
    const withAccess = {
      ...busyService,
      accessTargets: () => ({
        items: [
          {
            id: 'prod-db-readonly',
            title: 'Production DB',
            maxDurationMinutes: 240,
            defaultDurationMinutes: 60,
            requireOpenIncident: true,
            approval: 'auto-on-call' as const,
          },
        ],
      }),
      accessRequests: () => ({ items: [] }),
    };
    const openIncidents = async () =>
      within(
        (await screen.findByText('Open incidents (1)')).closest('section')!,
      );

    it('offers a request-access button by default', async () => {
      mttr.setBackend(withAccess);
      await renderCard(withTargets);

      const rows = await openIncidents();
      expect(
        await rows.findByRole('button', {
          name: 'Request access: Production DB',
        }),
      ).toBeInTheDocument();
    });

    it('offers nothing, and asks nothing about access, without incident actions', async () => {
      mttr.setBackend(withAccess);
      await renderCard(withTargets, {}, { incidentActions: [] });

      const rows = await openIncidents();
      expect(rows.getByText('Checkout latency')).toBeInTheDocument();
      expect(rows.queryByRole('button')).not.toBeInTheDocument();
      expect(
        mttr.requests.some(u => u.pathname.endsWith('/access-targets')),
      ).toBe(false);
    });

    it('hides itself when the backend answers 404 for the access targets', async () => {
      // busyService has no access routes: a backend without the feature.
      mttr.setBackend(busyService);
      await renderCard(withTargets);

      const rows = await openIncidents();
      await waitFor(() =>
        expect(
          mttr.requests.some(u => u.pathname.endsWith('/access-targets')),
        ).toBe(true),
      );
      expect(rows.queryByRole('button')).not.toBeInTheDocument();
      expect(screen.queryByText(/NotFoundError|404/)).not.toBeInTheDocument();
    });
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

/*
 * payments-api deployed 25 times in the 90 days: 25 * 30 / 90 = 8.3 per 30
 * days. 3 of them were change failures (3 / 25 = 12%, above 10% and at most
 * 15%: medium): one named by an incident's causedBy, one rolled back, one
 * followed by an incident within the link window. 2 of the 3 recovered,
 * their median 41m. 5 incidents were due a review, 4 were published in time
 * (80%); 4 incidents had access granted, the median 6m 30s after their start.
 */
const deployingService = {
  ...busyService,
  metrics: (q: URLSearchParams) => ({
    ...busyService.metrics(q),
    deployments: {
      ...emptyDeploymentFigures(),
      count: 25,
      changeFailures: 3,
      changeFailureRate: 3 / 25,
      band: 'medium' as const,
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
      },
      access: {
        incidentsWithAccess: 4,
        medianTimeToAccessMs: 6.5 * MINUTE,
        breakGlass: 1,
      },
    },
  }),
};

describe('EntityMttrCard, with deployments and the levers of recovery', () => {
  it('shows the change failure rate with its counts, recovery, frequency and band, and how the failures were linked', async () => {
    mttr.setBackend(deployingService);
    await renderCard();

    expect(await screen.findByTestId('mttr-change-failure')).toHaveTextContent(
      'CFR 12% · 3 of 25 deployments · recovery 41m (2 recovered, 1 open) · 8.3 deployments per 30 days',
    );
    expect(screen.getByLabelText('CFR band: Medium')).toHaveTextContent(
      'CFR band: Medium ★★☆☆',
    );
    expect(screen.getByTestId('mttr-change-failure-links')).toHaveTextContent(
      'How linked: 1 named by an incident, 1 rolled back, 1 by the link window',
    );
    expect(
      screen.getByRole('region', {
        name: 'Change failures, Time to resolve · last 90 days',
      }),
    ).toBeInTheDocument();

    // what the rate counts, one hover (or keyboard focus) away
    await userEvent.hover(screen.getByTestId('mttr-change-failure'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /^Change failure rate: change failures \/ live deployments/,
    );
  });

  it('shows review coverage of the due incidents and the median time to access on one line', async () => {
    mttr.setBackend(deployingService);
    await renderCard();

    expect(await screen.findByTestId('mttr-levers')).toHaveTextContent(
      /^Reviews 4 of 5 due \(80%\) · median time to access 6m 30s \(4 incidents\)$/,
    );
  });

  it('leaves the change failure line and the levers line out when there is nothing to show', async () => {
    // busyService: no deployments, no review due, no access granted
    mttr.setBackend(busyService);
    await renderCard();

    expect(await screen.findByTestId('mttr-median')).toBeInTheDocument();
    expect(screen.queryByTestId('mttr-change-failure')).not.toBeInTheDocument();
    expect(screen.queryByTestId('mttr-cfr-band')).not.toBeInTheDocument();
    expect(screen.queryByTestId('mttr-levers')).not.toBeInTheDocument();
  });

  it('shows each lever only when it has something to show, and no recovery or links without change failures', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: (q: URLSearchParams) => ({
        ...busyService.metrics(q),
        deployments: {
          ...emptyDeploymentFigures(),
          // 1 deployment in 90 days, no failure: 0 of 1 = 0%, elite;
          // 1 * 30 / 90 = 0.3 per 30 days
          count: 1,
          changeFailureRate: 0,
          band: 'elite' as const,
          frequencyPer30d: 30 / 90,
        },
        levers: {
          ...emptyLevers(),
          access: {
            incidentsWithAccess: 1,
            medianTimeToAccessMs: 25 * MINUTE,
            breakGlass: 0,
          },
        },
      }),
    });
    await renderCard();

    expect(await screen.findByTestId('mttr-change-failure')).toHaveTextContent(
      /^CFR 0% · 0 of 1 deployment · 0\.3 deployments per 30 days$/,
    );
    expect(screen.getByLabelText('CFR band: Elite')).toBeInTheDocument();
    expect(
      screen.queryByTestId('mttr-change-failure-links'),
    ).not.toBeInTheDocument();
    // no review due: coverage left out, time to access alone
    expect(screen.getByTestId('mttr-levers')).toHaveTextContent(
      /^Median time to access 25m \(1 incident\)$/,
    );
  });

  it('says no change failure has recovered yet instead of a median', async () => {
    mttr.setBackend({
      ...busyService,
      metrics: (q: URLSearchParams) => ({
        ...busyService.metrics(q),
        deployments: {
          ...emptyDeploymentFigures(),
          // 1 failure of 4: 25%, low; still open
          count: 4,
          changeFailures: 1,
          changeFailureRate: 1 / 4,
          band: 'low' as const,
          frequencyPer30d: (4 * 30) / 90,
          recovery: { ...emptyDeploymentFigures().recovery, open: 1 },
          linkedBy: { explicit: 0, rollback: 0, window: 1 },
        },
      }),
    });
    await renderCard();

    expect(await screen.findByTestId('mttr-change-failure')).toHaveTextContent(
      'CFR 25% · 1 of 4 deployments · recovery none recovered (1 open) · 1.3 deployments per 30 days',
    );
    expect(screen.getByTestId('mttr-change-failure-links')).toHaveTextContent(
      /^How linked: 1 by the link window$/,
    );
  });

  it('shows the figures, not the missing-annotation hint, for an entity with deployments but no incident source', async () => {
    mttr.setBackend({
      ...deployingService,
      metrics: (q: URLSearchParams) => ({
        ...deployingService.metrics(q),
        count: 0,
        recovered: 0,
        open: 0,
        medianMs: null,
        medianCi: null,
      }),
      incidents: () => ({ items: [], totalCount: 0 }),
    });
    const deployedOnly: Entity = {
      ...paymentsApi,
      metadata: { name: 'deployed-only', namespace: 'default' },
    };
    await renderCard(deployedOnly);

    expect(await screen.findByTestId('mttr-change-failure')).toHaveTextContent(
      'CFR 12% · 3 of 25 deployments',
    );
    expect(screen.queryByText(/Missing Annotation/i)).not.toBeInTheDocument();
  });
});
