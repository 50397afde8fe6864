import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { UnmappedIncident } from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import {
  backstageError,
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { MttrComparisonPage } from '../MttrComparisonPage';
import { UnmappedTab } from './UnmappedTab';

const { server, BASE } = setUpMttrServer();

const pagerDutyIncident: UnmappedIncident = {
  source: 'pagerduty',
  incidentId: 'PGR0VU2',
  title: 'Ledger replication lag',
  status: 'resolved',
  startedAt: '2026-05-04T10:00:00.000Z',
  url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
  labels: ['urgency=high'],
  mappingKeys: ['pagerduty:service:PNEWSVC'],
  entityRefs: [],
};

const alert: UnmappedIncident = {
  source: 'alertmanager',
  incidentId: 'c0ffee@2026-05-05T08:00:00.000Z',
  title: 'Queue backlog',
  status: 'open',
  startedAt: '2026-05-05T08:00:00.000Z',
  labels: ['alertname=QueueBacklog', 'service=orders-queue'],
  mappingKeys: [
    'alertmanager:alertname=QueueBacklog',
    'alertmanager:service=orders-queue',
  ],
  entityRefs: ['component:default/orders-queue'],
};

/**
 * A backend holding unmapped incidents; a PUT mapping takes the incidents
 * carrying the key off the list, as the real one does.
 */
function fakeBackend(initial: UnmappedIncident[]) {
  let unmapped = [...initial];
  const puts: unknown[] = [];
  const queries: URLSearchParams[] = [];
  server.use(
    http.get(`${BASE}/incidents/unmapped`, ({ request }) => {
      const q = new URL(request.url).searchParams;
      queries.push(q);
      const offset = Number(q.get('offset') ?? 0);
      const limit = Number(q.get('limit') ?? 50);
      return HttpResponse.json({
        items: unmapped.slice(offset, offset + limit),
        totalCount: unmapped.length,
      });
    }),
    http.put(`${BASE}/mappings`, async ({ request }) => {
      const body = (await request.json()) as {
        mappingKey: string;
        entityRef: string;
      };
      puts.push(body);
      if (!body.entityRef.startsWith('component:')) {
        return backstageError(
          400,
          'InputError',
          `entityRef '${body.entityRef}' is not known`,
        );
      }
      unmapped = unmapped.filter(i => !i.mappingKeys.includes(body.mappingKey));
      return HttpResponse.json({
        ...body,
        origin: 'manual',
        createdBy: 'user:default/guest',
      });
    }),
  );
  return { puts, queries };
}

async function renderTab(pageSize?: number) {
  await renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <UnmappedTab pageSize={pageSize} />
    </TestApiProvider>,
  );
}

describe('UnmappedTab', () => {
  it('lists unmapped incidents with their source, labels and mapping keys', async () => {
    fakeBackend([pagerDutyIncident, alert]);
    await renderTab();

    expect(
      await screen.findByText('Unmapped incidents (2)'),
    ).toBeInTheDocument();
    const rows = screen.getAllByRole('row').slice(1);
    expect(within(rows[0]).getByText('pagerduty')).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: /Ledger replication lag/ }),
    ).toHaveAttribute('href', 'https://acme.pagerduty.com/incidents/PGR0VU2');
    expect(within(rows[0]).getByText('urgency=high')).toBeInTheDocument();
    expect(
      within(rows[0]).getByText('pagerduty:service:PNEWSVC'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('alertmanager')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('service=orders-queue'),
    ).toBeInTheDocument();
    expect(
      within(rows[1]).getByText(
        /does not know: component:default\/orders-queue/,
      ),
    ).toBeInTheDocument();
  });

  it('maps a chosen key to an entity, and the incident leaves the list', async () => {
    const backend = fakeBackend([pagerDutyIncident, alert]);
    await renderTab();
    await screen.findByText('Unmapped incidents (2)');

    await userEvent.click(
      screen.getByRole('button', { name: 'Map pagerduty:service:PNEWSVC' }),
    );
    expect(screen.getByLabelText('Mapping key')).toHaveValue(
      'pagerduty:service:PNEWSVC',
    );
    // A bare name is a component in the default namespace.
    await userEvent.type(screen.getByLabelText('Entity'), 'ledger-db');
    await userEvent.click(screen.getByRole('button', { name: 'Map' }));

    expect(
      await screen.findByText(
        'Incidents with pagerduty:service:PNEWSVC now count for component:default/ledger-db.',
      ),
    ).toBeInTheDocument();
    expect(backend.puts).toEqual([
      {
        mappingKey: 'pagerduty:service:PNEWSVC',
        entityRef: 'component:default/ledger-db',
      },
    ]);
    expect(
      await screen.findByText('Unmapped incidents (1)'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Ledger replication lag'),
    ).not.toBeInTheDocument();
  });

  it('shows why the backend refused a mapping', async () => {
    fakeBackend([alert]);
    await renderTab();
    await screen.findByText('Unmapped incidents (1)');

    await userEvent.type(
      screen.getByLabelText('Mapping key'),
      'alertmanager:service=orders-queue',
    );
    await userEvent.type(
      screen.getByLabelText('Entity'),
      'system:default/orders',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Map' }));

    expect(
      await screen.findByText(/Not mapped: .*is not known/),
    ).toBeInTheDocument();
    expect(screen.getByText('Unmapped incidents (1)')).toBeInTheDocument();
  });

  it('does not send what is not an entity ref', async () => {
    const backend = fakeBackend([alert]);
    await renderTab();
    await screen.findByText('Unmapped incidents (1)');

    await userEvent.type(
      screen.getByLabelText('Mapping key'),
      'alertmanager:service=orders-queue',
    );
    await userEvent.type(screen.getByLabelText('Entity'), 'component:');

    expect(screen.getByText('Not an entity ref')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Map' })).toBeDisabled();
    expect(backend.puts).toEqual([]);
  });

  it('pages through many unmapped incidents', async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      ...alert,
      incidentId: `fp${i}@2026-05-05T08:00:00.000Z`,
      title: `Alert ${i}`,
    }));
    const backend = fakeBackend(many);
    await renderTab(3);

    expect(await screen.findByText('1–3 of 7')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next' }));

    expect(await screen.findByText('Alert 3')).toBeInTheDocument();
    expect(screen.getByText('4–6 of 7')).toBeInTheDocument();
    expect(backend.queries.map(q => q.get('offset'))).toContain('3');
  });

  it('says so when every incident maps to an entity', async () => {
    fakeBackend([]);
    await renderTab();

    expect(
      await screen.findByText('Every incident maps to an entity.'),
    ).toBeInTheDocument();
  });

  it('tells non-admins the list is for admins', async () => {
    server.use(
      http.get(`${BASE}/incidents/unmapped`, () =>
        backstageError(403, 'NotAllowedError', 'Unauthorized'),
      ),
    );
    await renderTab();

    await waitFor(() =>
      expect(
        screen.getByText(/Only admins see unmapped incidents/),
      ).toBeInTheDocument(),
    );
  });

  it('is the Unmapped tab of the comparison page', async () => {
    fakeBackend([alert]);
    await renderInTestApp(
      <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
        <MttrComparisonPage />
      </TestApiProvider>,
      { routeEntries: ['/mttr?tab=unmapped'] },
    );

    expect(
      await screen.findByRole('tab', { name: 'Unmapped', selected: true }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Unmapped incidents (1)'),
    ).toBeInTheDocument();
  });
});
