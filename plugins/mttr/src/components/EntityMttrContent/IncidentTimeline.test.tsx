import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { configApiRef } from '@backstage/core-plugin-api';
import { JsonObject } from '@backstage/types';
import { Incident } from '@mttr-backstage/plugin-mttr-common';
import { incidentOf } from '../../__testUtils__/fixtures';
import { IncidentTimeline } from './IncidentTimeline';
import { timelineSteps } from './timelineSteps';

async function renderTimeline(incident: Incident, config: JsonObject = {}) {
  return renderInTestApp(
    <TestApiProvider apis={[[configApiRef, mockApis.config({ data: config })]]}>
      <IncidentTimeline
        incident={incident}
        definition="resolved"
        definitionTitle="Time to resolve"
      />
    </TestApiProvider>,
  );
}

function steps() {
  return within(screen.getByTestId('mttr-incident-timeline'))
    .getAllByRole('listitem')
    .map(li => li.textContent ?? '');
}

/** Triggered 10:00, acknowledged 10:05, resolved 11:30; access at 10:03 and 10:04. */
const withAccess = incidentOf({
  timeline: [
    { eventId: 'e1', type: 'triggered', at: '2026-11-20T10:00:00.000Z' },
    { eventId: 'e2', type: 'acknowledged', at: '2026-11-20T10:05:00.000Z' },
    { eventId: 'e4', type: 'updated', at: '2026-11-20T10:20:00.000Z' },
    { eventId: 'e3', type: 'resolved', at: '2026-11-20T11:30:00.000Z' },
  ],
  accessSteps: [
    {
      type: 'access_requested',
      at: '2026-11-20T10:03:00.000Z',
      requestId: 'r1',
      target: 'Production DB',
      breakGlass: true,
    },
    {
      type: 'access_granted',
      at: '2026-11-20T10:04:00.000Z',
      requestId: 'r1',
      target: 'Production DB',
      breakGlass: true,
    },
  ],
});

describe('IncidentTimeline', () => {
  it('merges the access requested and granted into the events by time, and says what an update is', async () => {
    await renderTimeline(withAccess);

    const shown = steps();
    expect(shown).toHaveLength(6);
    expect(shown[0]).toMatch(/^triggered at /);
    expect(shown[1]).toMatch(/^access requested at .*: Production DB$/);
    expect(shown[2]).toMatch(
      /^access granted at .*: Production DB \(break-glass\)$/,
    );
    expect(shown[3]).toMatch(/^acknowledged at /);
    expect(shown[4]).toMatch(
      /^updated at .* \(details changed, the state did not\)$/,
    );
    expect(shown[5]).toMatch(/^resolved at /);
  });

  it('shows the review with its link, the action items and the deployment that caused the incident', async () => {
    await renderTimeline(
      incidentOf({
        causedBy: { source: 'github', deploymentId: '1234' },
        review: {
          status: 'published',
          url: 'https://docs.example.com/pir/q1',
          publishedAt: '2026-11-22T09:00:00.000Z',
        },
        actionItems: { open: 2, done: 3 },
      }),
    );

    expect(screen.getByTestId('mttr-incident-caused-by')).toHaveTextContent(
      'Caused by deployment 1234 (github)',
    );
    const review = screen.getByTestId('mttr-incident-review');
    expect(review).toHaveTextContent(/^Review: published on .*2026/);
    expect(
      within(review).getByRole('link', { name: /Open the review/ }),
    ).toHaveAttribute('href', 'https://docs.example.com/pir/q1');
    expect(screen.getByTestId('mttr-incident-action-items')).toHaveTextContent(
      'Action items: 2 open, 3 done',
    );
  });

  it('shows none of it for an incident without reviews, actions, causes or lever labels', async () => {
    await renderTimeline(incidentOf({ labels: ['payments', 'customer'] }));

    expect(screen.getByTestId('mttr-incident-timeline')).toBeInTheDocument();
    expect(screen.queryByTestId('mttr-incident-facts')).not.toBeInTheDocument();
    expect(
      screen.queryByTestId('mttr-incident-lever-label'),
    ).not.toBeInTheDocument();
  });

  it('marks the labels that put the incident in the drills or the automation', async () => {
    await renderTimeline(
      incidentOf({ labels: ['game-day', 'payments', 'auto-remediated'] }),
    );

    const chips = screen
      .getAllByTestId('mttr-incident-lever-label')
      .map(c => c.textContent);
    expect(chips).toEqual([
      'game-day: a drill',
      'auto-remediated: automated recovery',
    ]);
  });

  it('follows the lever labels of the config when the frontend has them', async () => {
    await renderTimeline(
      incidentOf({ labels: ['drill', 'chaos', 'bot-fixed'] }),
      {
        mttr: {
          levers: {
            drills: { labels: ['chaos'] },
            automation: { labels: ['bot-fixed'] },
          },
        },
      },
    );

    const chips = screen
      .getAllByTestId('mttr-incident-lever-label')
      .map(c => c.textContent);
    // `drill` is only a default: configured away, it is no drill here.
    expect(chips).toEqual(['chaos: a drill', 'bot-fixed: automated recovery']);
  });
});

describe('timelineSteps', () => {
  it('keeps the incident’s own event before an access step of the same instant', () => {
    const merged = timelineSteps(
      incidentOf({
        timeline: [
          { eventId: 'e1', type: 'triggered', at: '2026-11-20T10:00:00.000Z' },
        ],
        accessSteps: [
          {
            type: 'access_granted',
            at: '2026-11-20T10:00:00.000Z',
            requestId: 'r1',
            target: 'Production DB',
            breakGlass: false,
          },
          {
            type: 'access_requested',
            at: '2026-11-20T09:59:00.000Z',
            requestId: 'r1',
            target: 'Production DB',
            breakGlass: false,
          },
        ],
      }),
    );
    expect(merged.map(s => s.kind)).toEqual([
      'access_requested',
      'triggered',
      'access_granted',
    ]);
  });
});
