import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { mttrApiRef } from '../../api';
import {
  HOUR,
  MINUTE,
  deploymentOf,
  incidentOf,
  metricsOf,
  paymentsApi,
} from '../../__testUtils__/fixtures';
import {
  FakeBackend,
  backstageError,
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { emptyDeploymentFigures } from '@mttr-backstage/plugin-mttr-common';
import { EntityMttrContent, EntityMttrContentProps } from './EntityMttrContent';

const mttr = setUpMttrServer();

const flapping = incidentOf({
  incidentId: 'Q2',
  title: 'Ledger replica lag',
  severity: 'sev4',
  startedAt: '2026-11-10T08:00:00.000Z',
  timeline: [
    { eventId: 'f1', type: 'triggered', at: '2026-11-10T08:00:00.000Z' },
    { eventId: 'f2', type: 'resolved', at: '2026-11-10T08:01:00.000Z' },
  ],
  counts: [
    {
      definition: 'resolved',
      outcome: 'excluded',
      units: [
        {
          startAt: '2026-11-10T08:00:00.000Z',
          endAt: '2026-11-10T08:01:00.000Z',
          durationMs: MINUTE,
          reopened: false,
        },
      ],
      reasons: ['excluded: shorter than 2m'],
    },
  ],
});

const reopened = incidentOf({
  incidentId: 'Q3',
  title: 'Payouts stuck',
  severity: 'sev1',
  status: 'open',
  startedAt: '2026-11-25T08:00:00.000Z',
  reopenCount: 2,
  timeline: [
    { eventId: 'r1', type: 'triggered', at: '2026-11-25T08:00:00.000Z' },
    { eventId: 'r2', type: 'resolved', at: '2026-11-25T09:00:00.000Z' },
    { eventId: 'r3', type: 'reopened', at: '2026-11-25T10:00:00.000Z' },
  ],
  counts: [
    {
      definition: 'resolved',
      outcome: 'counted',
      units: [
        {
          startAt: '2026-11-25T08:00:00.000Z',
          endAt: null,
          durationMs: null,
          reopened: true,
        },
      ],
      reasons: ['open', 'reopened twice'],
    },
  ],
});

const backend: FakeBackend = {
  metrics: q =>
    q.get('definition') === 'mitigated'
      ? metricsOf({
          definition: 'mitigated',
          count: 3,
          recovered: 3,
          medianMs: 25 * MINUTE,
          p90Ms: HOUR,
          meanMs: 30 * MINUTE,
          frequencyPer30d: 1,
        })
      : metricsOf({
          count: 3,
          recovered: 2,
          open: 1,
          excluded: 1,
          medianMs: 90 * MINUTE,
          p90Ms: 4 * HOUR,
          meanMs: 2 * HOUR,
          frequencyPer30d: 1,
          severityMix: { sev1: 1, sev2: 1, sev4: 1 },
        }),
  series: q => ({
    entityRef: 'component:default/payments-api',
    definition: q.get('definition')!,
    bucket: 'week',
    items: [
      {
        ...metricsOf({ from: '2026-11-09T00:00:00.000Z', count: 1 }),
        bucket: 'week',
      },
      {
        ...metricsOf({
          from: '2026-11-16T00:00:00.000Z',
          count: 1,
          medianMs: 90 * MINUTE,
          p90Ms: 90 * MINUTE,
        }),
        bucket: 'week',
      },
    ],
  }),
  incidents: () => ({
    items: [reopened, incidentOf(), flapping],
    totalCount: 3,
  }),
};

async function renderTab(
  entity: Entity = paymentsApi,
  props: EntityMttrContentProps = {},
) {
  return renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <EntityProvider entity={entity}>
        <EntityMttrContent {...props} />
      </EntityProvider>
    </TestApiProvider>,
  );
}

function incidentTitles() {
  return [
    'Payouts stuck',
    'Card payments failing',
    'Ledger replica lag',
  ].filter(title => screen.queryByText(title));
}

describe('EntityMttrContent', () => {
  it('summarises the window under the chosen definition and shows every definition side by side', async () => {
    mttr.setBackend(backend);
    await renderTab();

    // 2 recoveries: neither interval is bounded, and the summary says so.
    expect(await screen.findByTestId('mttr-summary')).toHaveTextContent(
      'Median 1h 30m (interval not bounded: 2 recovered, needs 6) · p90 4h (interval not bounded: 2 recovered, needs 36) · mean 2h',
    );
    expect(
      screen.getAllByText(/Time to resolve · last 90 days/).length,
    ).toBeGreaterThan(0);
    expect(screen.getByText(/Few incidents \(3\)/)).toBeInTheDocument();

    const sideBySide = screen.getByRole('table', {
      name: /Figures under every definition, last 90 days/,
    });
    const rows = within(sideBySide).getAllByRole('row');
    expect(rows[1]).toHaveTextContent(/Time to resolve.*1h 30m.*4h.*2h/);
    expect(rows[2]).toHaveTextContent(/Time to mitigate.*25m.*1h.*30m/);
  });

  it('carries the intervals and the tested change in the summary and the weekly chart', async () => {
    const bounded = (from: string, medianMs: number) => ({
      ...metricsOf({
        from,
        count: 8,
        recovered: 8,
        medianMs,
        // 8 recoveries bound the median by the 1st and the 8th.
        medianCi: { lowMs: medianMs / 2, highMs: medianMs * 2 },
      }),
      bucket: 'week' as const,
    });
    mttr.setBackend({
      ...backend,
      metrics: () =>
        metricsOf({
          count: 40,
          recovered: 40,
          medianMs: 34 * MINUTE,
          medianCi: { lowMs: 22 * MINUTE, highMs: 48 * MINUTE },
          p90Ms: 3 * HOUR,
          p90Ci: { lowMs: 2 * HOUR, highMs: 5 * HOUR },
          change: {
            previousFrom: '2026-05-31T00:00:00.000Z',
            previousTo: '2026-08-29T00:00:00.000Z',
            previousRecovered: 35,
            previousMedianMs: 29 * MINUTE,
            medianRatio: 34 / 29,
            pValue: 0.41,
            significant: false,
          },
        }),
      series: q => ({
        entityRef: 'component:default/payments-api',
        definition: q.get('definition')!,
        bucket: 'week',
        items: [
          bounded('2026-11-02T00:00:00.000Z', HOUR),
          {
            ...metricsOf({
              from: '2026-11-09T00:00:00.000Z',
              count: 2,
              recovered: 2,
              medianMs: 2 * HOUR,
            }),
            bucket: 'week',
          },
          bounded('2026-11-16T00:00:00.000Z', 30 * MINUTE),
        ],
      }),
    });
    await renderTab();

    expect(await screen.findByTestId('mttr-summary')).toHaveTextContent(
      'Median 34m (95% CI 22m–48m) · p90 3h (95% CI 2h–5h)',
    );
    // +17% on p = 0.41: within noise, never "slower".
    expect(screen.getByTestId('mttr-summary-change')).toHaveTextContent(
      'Change of the median against the previous 90 days: +17%, within noise (p = 0.41).',
    );
    expect(screen.queryByText(/slower|faster/)).not.toBeInTheDocument();
    expect(
      screen.getByRole('img', {
        name: /3 weeks with recoveries, 2 of them with enough recoveries to bound the median/,
      }),
    ).toBeInTheDocument();
  });

  it('reads the window a person picks', async () => {
    mttr.setBackend(backend);
    await renderTab();
    await screen.findByTestId('mttr-summary');

    await userEvent.selectOptions(screen.getByLabelText('Time window'), '365');

    expect(
      await screen.findAllByText(/Time to resolve · last 365 days/),
    ).not.toHaveLength(0);
    const series = mttr.requests
      .filter(u => u.pathname.endsWith('/series'))
      .pop()!;
    const days =
      (Date.parse(series.searchParams.get('to')!) -
        Date.parse(series.searchParams.get('from')!)) /
      86_400_000;
    expect(days).toBe(365);
    expect(series.searchParams.get('bucket')).toBe('week');
  });

  it('says how long each incident counted, and why', async () => {
    mttr.setBackend(backend);
    await renderTab();
    await screen.findByText('Ledger replica lag');

    expect(screen.getByText('Counted 1h 30m')).toBeInTheDocument();
    expect(
      screen.getByText('Excluded (excluded: shorter than 2m)'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Counted, still open (reopened twice)'),
    ).toBeInTheDocument();
  });

  describe('just-in-time access', () => {
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
    const withAccess: FakeBackend = {
      ...backend,
      accessTargets: () => ({
        items: [
          {
            id: 'prod-db-readonly',
            title: 'Production DB',
            maxDurationMinutes: 240,
            defaultDurationMinutes: 60,
            requireOpenIncident: true,
            approval: 'auto-on-call',
          },
        ],
      }),
      accessRequests: () => ({ items: [] }),
    };

    it('offers access on open incidents and lists the requests by default', async () => {
      mttr.setBackend(withAccess);
      await renderTab(withTargets);

      const row = (await screen.findByText('Payouts stuck')).closest('tr')!;
      expect(
        await within(row).findByRole('button', {
          name: 'Request access: Production DB',
        }),
      ).toBeInTheDocument();
      expect(
        await screen.findByText('Just-in-time access'),
      ).toBeInTheDocument();
    });

    it('shows no access and no actions column without incident actions', async () => {
      mttr.setBackend(withAccess);
      await renderTab(withTargets, { incidentActions: [] });

      await screen.findByText('Payouts stuck');
      expect(
        screen.queryByRole('columnheader', { name: 'Actions' }),
      ).not.toBeInTheDocument();
      expect(screen.queryByText('Just-in-time access')).not.toBeInTheDocument();
      expect(mttr.requests.some(u => u.pathname.includes('/access-'))).toBe(
        false,
      );
    });

    it('hides itself when the backend answers 404 for the access targets', async () => {
      mttr.setBackend(backend);
      await renderTab(withTargets);

      await screen.findByText('Payouts stuck');
      await waitFor(() =>
        expect(
          mttr.requests.filter(u => u.pathname.endsWith('/access-targets'))
            .length,
        ).toBeGreaterThanOrEqual(2),
      );
      await waitFor(() =>
        expect(
          screen.queryByRole('button', { name: /Request access/ }),
        ).not.toBeInTheDocument(),
      );
      expect(screen.queryByText('Just-in-time access')).not.toBeInTheDocument();
      expect(screen.queryByText(/NotFoundError|404/)).not.toBeInTheDocument();
    });
  });

  it('opens a row into its timeline', async () => {
    mttr.setBackend(backend);
    await renderTab();
    const row = (await screen.findByText('Payouts stuck')).closest('tr')!;

    await userEvent.click(within(row).getAllByRole('button')[0]);

    const timeline = (await screen.findByText('Timeline')).parentElement!;
    const steps = within(timeline)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(steps[0]).toMatch(/^triggered at /);
    expect(steps[1]).toMatch(/^resolved at /);
    expect(steps[2]).toMatch(/^reopened at /);
    expect(
      within(timeline).getByText(/Under “Time to resolve”/),
    ).toBeInTheDocument();
    expect(
      within(timeline).getByText(/now \(still open\): running, reopened/),
    ).toBeInTheDocument();
  });

  it('filters incidents by severity, status and start date', async () => {
    mttr.setBackend(backend);
    await renderTab();
    await screen.findByText('Ledger replica lag');
    expect(incidentTitles()).toHaveLength(3);

    await userEvent.selectOptions(screen.getByLabelText('Severity'), 'sev4');
    expect(incidentTitles()).toEqual(['Ledger replica lag']);

    await userEvent.selectOptions(screen.getByLabelText('Severity'), '');
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'open');
    expect(incidentTitles()).toEqual(['Payouts stuck']);

    await userEvent.selectOptions(screen.getByLabelText('Status'), '');
    await userEvent.type(
      screen.getByLabelText('Started on or before'),
      '2026-11-15',
    );
    expect(incidentTitles()).toEqual(['Ledger replica lag']);
  });

  it('sorts incidents by how long they counted', async () => {
    mttr.setBackend(backend);
    await renderTab();
    await screen.findByText('Ledger replica lag');

    const order = () =>
      screen
        .getAllByRole('row')
        .map(r => r.textContent ?? '')
        .filter(t =>
          /Payouts stuck|Card payments failing|Ledger replica lag/.test(t),
        )
        .map(
          t =>
            t.match(
              /Payouts stuck|Card payments failing|Ledger replica lag/,
            )![0],
        );
    // counted ones shortest first, then the open one, then the excluded one
    const ascending = [
      'Card payments failing',
      'Payouts stuck',
      'Ledger replica lag',
    ];
    const descending = [...ascending].reverse();

    await userEvent.click(screen.getByText('Counted (Time to resolve)'));
    const first = order();
    expect([ascending, descending]).toContainEqual(first);
    await userEvent.click(screen.getByText('Counted (Time to resolve)'));
    expect(order()).toEqual(first[0] === ascending[0] ? descending : ascending);
  });

  it('explains how to map a source when the entity has none and no incidents', async () => {
    mttr.setBackend({
      ...backend,
      metrics: () => metricsOf(),
      incidents: () => ({ items: [], totalCount: 0 }),
    });
    await renderTab({
      ...paymentsApi,
      metadata: { name: 'lonely', namespace: 'default' },
    });
    expect(await screen.findByText(/Missing Annotation/i)).toBeInTheDocument();
  });

  it('says what to try when a mapped service had no incidents in the window', async () => {
    mttr.setBackend({
      ...backend,
      metrics: () => metricsOf(),
      incidents: () => ({ items: [], totalCount: 0 }),
    });
    await renderTab();
    expect(
      await screen.findByText('No incidents in the last 90 days'),
    ).toBeInTheDocument();
    expect(screen.getByText(/Pick a longer window/)).toBeInTheDocument();
  });

  it("shows the backend's message when incidents cannot be read", async () => {
    mttr.setBackend(backend);
    mttr.server.use(
      http.get(`${mttr.BASE}/incidents`, () =>
        backstageError(400, 'InputError', 'from must be before to'),
      ),
    );
    await renderTab();
    expect(
      await screen.findByText(/from must be before to/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.getByLabelText('Time window')).toBeInTheDocument(),
    );
  });
  describe('deployments and levers', () => {
    /** v1.3.0 caused "Card payments failing" (Q1): 1 of 2 deployments failed. */
    const failure = deploymentOf({
      deploymentId: '1236',
      version: 'v1.3.0',
      finishedAt: '2026-11-20T09:00:00.000Z',
      changeFailure: true,
      linkedBy: 'explicit',
      links: [
        {
          kind: 'explicit',
          incident: {
            source: 'pagerduty',
            incidentId: 'Q1',
            title: 'Card payments failing',
            startedAt: '2026-11-20T10:00:00.000Z',
          },
        },
      ],
      recoveredAt: '2026-11-20T11:30:00.000Z',
      recoveryMs: 150 * MINUTE,
    });
    const healthy = deploymentOf({
      deploymentId: '1230',
      version: 'v1.2.9',
      finishedAt: '2026-11-12T09:00:00.000Z',
    });
    const withDeployments: FakeBackend = {
      ...backend,
      metrics: q => ({
        ...backend.metrics!(q),
        deployments: {
          ...emptyDeploymentFigures(),
          count: 2,
          changeFailures: 1,
          changeFailureRate: 0.5,
          linkedBy: { explicit: 1, window: 0, rollback: 0 },
          recovery: {
            ...emptyDeploymentFigures().recovery,
            recovered: 1,
            medianMs: 150 * MINUTE,
          },
        },
      }),
      series: q => {
        const answer = backend.series!(q);
        return {
          ...answer,
          items: answer.items.map(bucket =>
            bucket.from === '2026-11-16T00:00:00.000Z'
              ? {
                  ...bucket,
                  deployments: {
                    ...bucket.deployments,
                    count: 1,
                    changeFailures: 1,
                  },
                }
              : bucket,
          ),
        };
      },
      deployments: () => ({ items: [failure, healthy], totalCount: 2 }),
    };

    it('marks the deployments on the time axis, change failures as lines, and lists them', async () => {
      mttr.setBackend(withDeployments);
      await renderTab();

      expect(
        await screen.findByRole('img', {
          name: 'Deployments on the time axis, Time to resolve · last 90 days: 2 live, 1 of them change failures (v1.3.0 on 20 Nov)',
        }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('img', {
          name: /MTTR per week.*; 1 change failure marked as a line$/,
        }),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('img', {
          name: /Incidents per week.*; 1 week with change failures marked as a line$/,
        }),
      ).toBeInTheDocument();

      // 1 / 2 = 50%.
      expect(screen.getByTestId('mttr-deployment-figures')).toHaveTextContent(
        'CFR 50% · 1 of 2 deployments · recovery 2h 30m (median of 1)',
      );
      const row = (await screen.findByText('v1.3.0')).closest('tr')!;
      expect(row).toHaveAttribute('data-change-failure', 'true');
      expect(row).toHaveTextContent(
        'linked by causedBy: Card payments failing',
      );

      // The incident is one of the tab's: its timeline opens from the list.
      await userEvent.click(
        within(row).getByRole('button', {
          name: 'Show the timeline of Card payments failing',
        }),
      );
      const dialog = await screen.findByRole('dialog');
      expect(within(dialog).getByText(/^triggered at /)).toBeInTheDocument();

      const chartRead = mttr.requests.find(
        u =>
          u.pathname.endsWith('/deployments') &&
          u.searchParams.get('limit') === '200',
      )!;
      expect(chartRead.searchParams.get('definition')).toBe('resolved');
    });

    it('shows what helps recovery here beside the production median', async () => {
      mttr.setBackend({
        ...backend,
        levers: () => ({
          entityRef: 'component:default/payments-api',
          definition: 'resolved',
          from: '2026-08-29T00:00:00.000Z',
          to: '2026-11-27T00:00:00.000Z',
          levers: {
            reviews: {
              due: 0,
              published: 0,
              coverage: null,
              medianTimeToPublishMs: null,
              openActionItems: 0,
              repeatsAfterReview: 0,
            },
            drills: { count: 2, recovered: 2, medianMs: 20 * MINUTE },
            automation: {
              count: 0,
              share: 0,
              medianMs: null,
              manualMedianMs: 90 * MINUTE,
            },
            access: {
              incidentsWithAccess: 0,
              medianTimeToAccessMs: null,
              breakGlass: 0,
            },
          },
          unreviewed: [],
        }),
      });
      await renderTab();

      expect(
        await screen.findByText('What helps recovery here'),
      ).toBeInTheDocument();
      // The production median is the summary's: 1h 30m.
      expect(await screen.findByTestId('mttr-lever-drills')).toHaveTextContent(
        '2 drills held, 2 recovered: median 20m vs 1h 30m in production',
      );
      expect(screen.getByTestId('mttr-lever-automation')).toHaveTextContent(
        '0 of 3 counted incidents (0%) recovered by automation',
      );
    });

    it('keeps the figures when deployments cannot be read, and says why none are drawn', async () => {
      mttr.setBackend(backend);
      mttr.server.use(
        http.get(`${mttr.BASE}/deployments`, () =>
          backstageError(503, 'ServiceUnavailableError', 'deployments offline'),
        ),
      );
      await renderTab();

      expect(await screen.findByTestId('mttr-summary')).toBeInTheDocument();
      expect(
        await screen.findByText(
          'Deployments are not drawn: deployments offline',
        ),
      ).toBeInTheDocument();
      expect(
        screen.queryByTestId('mttr-deployment-strip'),
      ).not.toBeInTheDocument();
    });
  });
});
