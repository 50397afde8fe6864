import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  Deployment,
  DeploymentFigures,
  emptyDeploymentFigures,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import {
  HOUR,
  MINUTE,
  deploymentOf,
  incidentOf,
} from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { http } from 'msw';
import { DEPLOYMENTS_PAGE, DeploymentList } from './DeploymentList';
import { LoadedIncidentsProvider } from './IncidentTimelineLink';

const mttr = setUpMttrServer();

const window = {
  from: new Date('2026-08-29T00:00:00.000Z'),
  to: new Date('2026-11-27T00:00:00.000Z'),
};

/** 3 of 25 deployments failed: 3 / 25 = 12%; each link kind once. */
const figures: DeploymentFigures = {
  ...emptyDeploymentFigures(),
  count: 25,
  changeFailures: 3,
  changeFailureRate: 3 / 25,
  band: 'low',
  recovery: {
    recovered: 2,
    open: 1,
    medianMs: 41 * MINUTE,
    p90Ms: HOUR,
    medianCi: null,
    p90Ci: null,
  },
  linkedBy: { explicit: 1, window: 1, rollback: 1 },
};

/** The incident the explicit link names: it is among the tab's incidents. */
const loadedIncident = incidentOf({
  incidentId: 'Q7',
  title: 'Checkout errors',
  causedBy: { source: 'github', deploymentId: '1236' },
});

const explicit = deploymentOf({
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
        incidentId: 'Q7',
        title: 'Checkout errors',
        startedAt: '2026-11-20T10:00:00.000Z',
      },
    },
  ],
  recoveredAt: '2026-11-20T09:41:00.000Z',
  recoveryMs: 41 * MINUTE,
});
const rolledBack = deploymentOf({
  deploymentId: '1235',
  version: 'v1.2.9',
  finishedAt: '2026-11-18T09:00:00.000Z',
  changeFailure: true,
  linkedBy: 'rollback',
  links: [{ kind: 'rollback', rolledBackBy: '1240' }],
  recoveryMs: 30 * MINUTE,
  recoveredAt: '2026-11-18T09:30:00.000Z',
});
/** Window link: the incident started 2h after the deployment went live; still open. */
const byWindow = deploymentOf({
  deploymentId: '1234',
  version: undefined,
  commit: 'abcdef0123456789',
  finishedAt: '2026-11-16T08:00:00.000Z',
  changeFailure: true,
  linkedBy: 'window',
  links: [
    {
      kind: 'window',
      incident: {
        source: 'pagerduty',
        incidentId: 'Q1-old',
        title: 'Latency spike',
        startedAt: '2026-11-16T10:00:00.000Z',
      },
    },
  ],
  recoveryMs: null,
  recoveredAt: null,
});
const failed = deploymentOf({
  deploymentId: '1233',
  version: 'v1.2.8',
  status: 'failed',
  finishedAt: undefined,
  at: '2026-11-15T08:00:00.000Z',
  live: false,
});
const healthy = deploymentOf({ deploymentId: '1232', version: 'v1.2.7' });

function answer(items: Deployment[], totalCount = items.length) {
  return () => ({ items, totalCount });
}

async function renderList(props: { figures?: DeploymentFigures } = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <LoadedIncidentsProvider
        incidents={[loadedIncident]}
        definition="resolved"
        definitionTitle="Time to resolve"
      >
        <DeploymentList
          entityRef="component:default/payments-api"
          definition="resolved"
          window={window}
          figures={props.figures ?? figures}
          caption="Time to resolve · last 90 days"
        />
      </LoadedIncidentsProvider>
    </TestApiProvider>,
  );
}

function rowOf(text: string) {
  return screen.getByText(text).closest('tr')!;
}

describe('DeploymentList', () => {
  it('says the change failure rate, how many failed, their recovery and how they were linked', async () => {
    mttr.setBackend({ deployments: answer([healthy]) });
    await renderList();

    // 3 / 25 = 0.12 → 12%; 2 recovered with a median of 41m, 1 open.
    expect(
      await screen.findByTestId('mttr-deployment-figures'),
    ).toHaveTextContent(
      'CFR 12% · 3 of 25 deployments · recovery 41m (median of 2), 1 still open · linked: 1 explicit, 1 rollback, 1 window',
    );
  });

  it('highlights change failures and writes out how each was linked', async () => {
    mttr.setBackend({
      deployments: answer([explicit, rolledBack, byWindow, failed, healthy]),
    });
    await renderList();
    await screen.findByText('v1.3.0');

    const rows = screen.getAllByTestId('mttr-deployment-row');
    expect(rows.map(r => r.getAttribute('data-change-failure'))).toEqual([
      'true',
      'true',
      'true',
      'false',
      'false',
    ]);

    const explicitRow = rowOf('v1.3.0');
    expect(explicitRow).toHaveTextContent('change failure');
    expect(explicitRow).toHaveTextContent(
      'linked by causedBy: Checkout errors',
    );
    expect(explicitRow).toHaveTextContent('41m');

    expect(rowOf('v1.2.9')).toHaveTextContent('rolled back by 1240');
    expect(rowOf('v1.2.9')).toHaveTextContent('30m');

    // No version: the commit's first 7 characters name it. 10:00 − 08:00 = 2h.
    const windowRow = rowOf('abcdef0');
    expect(windowRow).toHaveTextContent(
      'incident started 2h after: Latency spike',
    );
    expect(windowRow).toHaveTextContent('still open');

    expect(rowOf('v1.2.8')).toHaveTextContent('failed, never went live');
    expect(rowOf('v1.2.8')).not.toHaveTextContent('change failure');
    expect(rowOf('v1.2.7')).toHaveTextContent('succeeded');
    expect(rowOf('v1.2.7')).toHaveTextContent('production');
  });

  it('opens a linked incident’s timeline in one click, and names one outside the window in plain text', async () => {
    mttr.setBackend({ deployments: answer([explicit, byWindow]) });
    await renderList();
    await screen.findByText('v1.3.0');

    // Latency spike is not among the tab's incidents: text, no button.
    expect(
      within(rowOf('abcdef0')).queryByRole('button'),
    ).not.toBeInTheDocument();
    expect(rowOf('abcdef0')).toHaveTextContent(
      'not among the incidents of this window',
    );

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show the timeline of Checkout errors',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByText('Timeline')).toBeInTheDocument();
    expect(
      within(dialog).getByTestId('mttr-incident-caused-by'),
    ).toHaveTextContent('Caused by deployment 1236 (github)');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('reads the next page from the backend', async () => {
    const all = Array.from({ length: 25 }, (_, i) =>
      deploymentOf({ deploymentId: String(2000 - i), version: `v${25 - i}` }),
    );
    mttr.setBackend({
      deployments: q => {
        const offset = Number(q.get('offset'));
        const limit = Number(q.get('limit'));
        return { items: all.slice(offset, offset + limit), totalCount: 25 };
      },
    });
    await renderList();
    await screen.findByText('v25');
    expect(screen.getAllByTestId('mttr-deployment-row')).toHaveLength(
      DEPLOYMENTS_PAGE,
    );

    await userEvent.click(screen.getByRole('button', { name: /next page/i }));

    // Page 2 holds the 11th to 20th newest: v15 … v6.
    expect(await screen.findByText('v15')).toBeInTheDocument();
    expect(screen.queryByText('v25')).not.toBeInTheDocument();
    const last = mttr.requests
      .filter(u => u.pathname.endsWith('/deployments'))
      .pop()!;
    expect(last.searchParams.get('offset')).toBe('10');
    expect(last.searchParams.get('limit')).toBe('10');
    expect(last.searchParams.get('definition')).toBe('resolved');
    expect(last.searchParams.get('entityRef')).toBe(
      'component:default/payments-api',
    );
  });

  it('says so when there are no deployments, and keeps paging out of the way', async () => {
    await renderList({ figures: emptyDeploymentFigures() });

    expect(
      await screen.findByText(/No deployments in this window/),
    ).toBeInTheDocument();
    expect(screen.getByTestId('mttr-deployment-figures')).toHaveTextContent(
      'No deployment counted in this window.',
    );
    expect(
      screen.queryByRole('button', { name: /next page/i }),
    ).not.toBeInTheDocument();
  });

  it("shows the backend's message when deployments cannot be read", async () => {
    mttr.server.use(
      http.get(`${mttr.BASE}/deployments`, () =>
        backstageError(400, 'InputError', 'definition is unknown'),
      ),
    );
    await renderList();
    expect(
      await screen.findByText(/definition is unknown/),
    ).toBeInTheDocument();
  });
});
