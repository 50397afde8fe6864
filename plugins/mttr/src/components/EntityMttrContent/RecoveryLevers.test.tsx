import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { mttrApiRef } from '../../api';
import {
  HOUR,
  MINUTE,
  incidentOf,
  leversOf,
} from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { LoadedIncidentsProvider } from './IncidentTimelineLink';
import { RecoveryLevers } from './RecoveryLevers';

const mttr = setUpMttrServer();

const DAY = 24 * HOUR;
const window = {
  from: new Date('2026-08-29T00:00:00.000Z'),
  to: new Date('2026-11-27T00:00:00.000Z'),
};

/** The unreviewed incident the tab has read, so its timeline opens. */
const overdue = incidentOf({
  incidentId: 'Q9',
  title: 'Refunds delayed',
  severity: 'sev1',
  review: { status: 'draft', url: 'https://docs.example.com/pir/q9' },
});

/**
 * A service pulling most levers: 4 of 5 due incidents reviewed in time
 * (4 / 5 = 80%), 2 drills of 3 recovered, 3 of 20 counted incidents
 * automated (3 / 20 = 15%), access granted on 4 incidents.
 */
const busy = leversOf(undefined, {
  levers: {
    reviews: {
      due: 5,
      published: 4,
      coverage: 4 / 5,
      medianTimeToPublishMs: 2 * DAY,
      openActionItems: 6,
      repeatsAfterReview: 1,
    },
    drills: { count: 3, recovered: 2, medianMs: 12 * MINUTE },
    automation: {
      count: 3,
      share: 3 / 20,
      medianMs: 4 * MINUTE,
      manualMedianMs: 65 * MINUTE,
    },
    access: {
      incidentsWithAccess: 4,
      medianTimeToAccessMs: 9 * MINUTE,
      breakGlass: 1,
    },
  },
  unreviewed: [
    {
      source: 'pagerduty',
      incidentId: 'Q9',
      title: 'Refunds delayed',
      severity: 'sev1',
      url: 'https://pagerduty.example.com/incidents/Q9',
      recoveredAt: '2026-11-01T10:00:00.000Z',
      // due within 7 days of the recovery
      dueAt: '2026-11-08T10:00:00.000Z',
      review: { status: 'draft', url: 'https://docs.example.com/pir/q9' },
    },
    {
      source: 'pagerduty',
      incidentId: 'Q4',
      title: 'Old outage',
      severity: 'sev2',
      recoveredAt: '2026-09-01T10:00:00.000Z',
      dueAt: '2026-09-08T10:00:00.000Z',
    },
  ],
});

async function renderLevers(productionMedianMs: number | null = 90 * MINUTE) {
  return renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <LoadedIncidentsProvider
        incidents={[overdue]}
        definition="resolved"
        definitionTitle="Time to resolve"
      >
        <RecoveryLevers
          entityRef="component:default/payments-api"
          definition="resolved"
          window={window}
          productionMedianMs={productionMedianMs}
          countedUnits={20}
          caption="Time to resolve · last 90 days"
        />
      </LoadedIncidentsProvider>
    </TestApiProvider>,
  );
}

describe('RecoveryLevers', () => {
  it('puts every lever in words, with what it measures', async () => {
    mttr.setBackend({ levers: () => busy });
    await renderLevers();

    expect(await screen.findByTestId('mttr-lever-reviews')).toHaveTextContent(
      '4 of 5 due incidents reviewed within 7d (80%) · median time to publish 2d',
    );
    expect(screen.getByTestId('mttr-lever-reviews')).toHaveTextContent(
      /whose severity calls for a review are due one/,
    );
    expect(screen.getByTestId('mttr-lever-action-items')).toHaveTextContent(
      '6 action items still open',
    );
    expect(screen.getByTestId('mttr-lever-repeats')).toHaveTextContent(
      '1 incident came back after a published review',
    );
    expect(screen.getByTestId('mttr-lever-drills')).toHaveTextContent(
      '3 drills held, 2 recovered: median 12m vs 1h 30m in production',
    );
    expect(screen.getByTestId('mttr-lever-automation')).toHaveTextContent(
      '3 of 20 counted incidents (15%) recovered by automation: median 4m vs 1h 5m manual',
    );
    expect(screen.getByTestId('mttr-lever-access')).toHaveTextContent(
      'Median time to access 9m over 4 incidents, 1 of them break-glass',
    );

    const request = mttr.requests.find(u =>
      u.pathname.endsWith('/metrics/levers'),
    )!;
    expect(request.searchParams.get('definition')).toBe('resolved');
    expect(request.searchParams.get('from')).toBe(window.from.toISOString());
  });

  it('lists the due incidents not yet reviewed, one click from their timeline and their links', async () => {
    mttr.setBackend({ levers: () => busy });
    await renderLevers();

    const list = await screen.findByTestId('mttr-lever-unreviewed');
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    expect(items[0]).toHaveTextContent(/Refunds delayed \(sev1\): recovered/);
    expect(items[0]).toHaveTextContent('review draft');
    expect(
      within(items[0]).getByRole('link', { name: /^review/ }),
    ).toHaveAttribute('href', 'https://docs.example.com/pir/q9');
    expect(
      within(items[0]).getByRole('link', { name: /^incident in pagerduty/ }),
    ).toHaveAttribute('href', 'https://pagerduty.example.com/incidents/Q9');
    // Q4 is not among the tab's incidents: named, no timeline to open.
    expect(items[1]).toHaveTextContent('Old outage (sev2)');
    expect(items[1]).toHaveTextContent('no review');
    expect(within(items[1]).queryByRole('button')).not.toBeInTheDocument();

    await userEvent.click(
      within(items[0]).getByRole('button', {
        name: 'Show the timeline of Refunds delayed',
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByTestId('mttr-incident-review'),
    ).toHaveTextContent('Review: in draft');
  });

  it('says "nothing to measure" where a lever has nothing to measure', async () => {
    await renderLevers(null);

    expect(await screen.findByTestId('mttr-lever-reviews')).toHaveTextContent(
      'No incident was due a review in this window: nothing to measure.',
    );
    expect(
      screen.queryByTestId('mttr-lever-unreviewed'),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId('mttr-lever-action-items')).toHaveTextContent(
      '0 action items still open',
    );
    expect(screen.getByTestId('mttr-lever-drills')).toHaveTextContent(
      'No drill in this window: nothing to measure.',
    );
    expect(screen.getByTestId('mttr-lever-automation')).toHaveTextContent(
      'No counted incident in this window: nothing to measure.',
    );
    expect(screen.getByTestId('mttr-lever-access')).toHaveTextContent(
      'No incident in this window had just-in-time access granted: nothing to measure.',
    );
  });

  it('says when drills or automation have no median to compare', async () => {
    mttr.setBackend({
      levers: q =>
        leversOf(q, {
          levers: {
            reviews: { due: 2, published: 0, coverage: 0 },
            drills: { count: 1, recovered: 0, medianMs: null },
            automation: {
              count: 0,
              share: 0,
              medianMs: null,
              manualMedianMs: 50 * MINUTE,
            },
          },
        }),
    });
    await renderLevers(null);

    // No unreviewed incident to read the due period from: "in time".
    expect(await screen.findByTestId('mttr-lever-reviews')).toHaveTextContent(
      '0 of 2 due incidents reviewed in time (0%)',
    );
    expect(screen.getByTestId('mttr-lever-drills')).toHaveTextContent(
      '1 drill held, 0 recovered: none recovered yet',
    );
    expect(screen.getByTestId('mttr-lever-automation')).toHaveTextContent(
      '0 of 20 counted incidents (0%) recovered by automation',
    );
    expect(screen.getByTestId('mttr-lever-automation')).not.toHaveTextContent(
      'manual',
    );
  });

  it("shows the backend's message when the levers cannot be read", async () => {
    mttr.server.use(
      http.get(`${mttr.BASE}/metrics/levers`, () =>
        backstageError(400, 'InputError', 'unknown definition'),
      ),
    );
    await renderLevers();
    expect(await screen.findByText(/unknown definition/)).toBeInTheDocument();
    expect(screen.getByText('What helps recovery here')).toBeInTheDocument();
  });
});
