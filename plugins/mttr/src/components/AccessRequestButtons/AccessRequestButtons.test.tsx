import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { Entity } from '@backstage/catalog-model';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { incidentOf } from '../../__testUtils__/fixtures';
import {
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { AccessRequestButtons } from './AccessRequestButtons';
import { AccessRequestApprovals } from '../AccessRequestApprovals';

const { server, BASE } = setUpMttrServer();

const checkoutWeb: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-web',
    namespace: 'default',
    annotations: { 'mttr.dev/access-targets': 'prod-db-readonly' },
  },
  spec: { type: 'website', owner: 'team-storefront', lifecycle: 'production' },
};

const target = {
  id: 'prod-db-readonly',
  title: 'Production DB',
  maxDurationMinutes: 240,
  defaultDurationMinutes: 60,
  requireOpenIncident: true,
  approval: 'auto-on-call',
};

function active(): AccessRequest {
  const now = Date.now();
  return {
    id: 'r9',
    entityRef: 'component:default/checkout-web',
    targetId: 'prod-db-readonly',
    incident: { source: 'pagerduty', incidentId: 'Q1' },
    requester: 'user:default/guest',
    reason: 'x',
    durationMinutes: 60,
    status: 'active',
    approval: 'auto-on-call',
    breakGlass: false,
    createdAt: new Date(now).toISOString(),
    grantedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    approvals: [],
    viewer: {
      canApprove: false,
      canRevoke: true,
      canExtend: true,
      canReview: false,
    },
  };
}

describe('access on an incident row', () => {
  it('offers nothing for a resolved incident, without asking the backend', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
        <AccessRequestButtons
          entity={checkoutWeb}
          incident={incidentOf({ status: 'resolved' })}
        />
      </TestApiProvider>,
    );
    expect(
      screen.queryByRole('button', { name: /Request access/ }),
    ).not.toBeInTheDocument();
  });

  it('offers the targets of an open incident in one menu', async () => {
    const breakGlass = {
      ...target,
      id: 'cloud-break-glass',
      title: 'Cloud break-glass',
      approval: 'break-glass' as const,
    };
    server.use(
      http.get(`${BASE}/access-targets`, () =>
        HttpResponse.json({ items: [target, breakGlass] }),
      ),
      http.get(`${BASE}/access-requests`, () =>
        HttpResponse.json({ items: [] }),
      ),
    );
    await renderInTestApp(
      <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
        <AccessRequestButtons
          entity={checkoutWeb}
          incident={incidentOf({ status: 'open' })}
        />
      </TestApiProvider>,
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Request access' }),
    );
    expect(
      screen.getAllByRole('menuitem').map(item => item.textContent),
    ).toEqual(['Production DB', 'Cloud break-glass (break-glass)']);
    await userEvent.click(
      screen.getByRole('menuitem', { name: 'Cloud break-glass (break-glass)' }),
    );
    expect(await screen.findByRole('dialog')).toBeInTheDocument();
  });

  it('offers a single target as one button, and shows the grant active after the request', async () => {
    let mine: AccessRequest[] = [];
    server.use(
      http.get(`${BASE}/access-targets`, () =>
        HttpResponse.json({ items: [target] }),
      ),
      http.get(`${BASE}/access-requests`, () =>
        HttpResponse.json({ items: mine }),
      ),
      http.post(`${BASE}/access-requests`, () => {
        mine = [active()];
        return HttpResponse.json(active(), { status: 201 });
      }),
    );
    await renderInTestApp(
      <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
        <AccessRequestButtons
          entity={checkoutWeb}
          incident={incidentOf({ status: 'open' })}
        />
      </TestApiProvider>,
    );
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Request access: Production DB',
      }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Send request' }));
    expect(await screen.findByRole('timer')).toHaveTextContent(
      /^expires in (59m|1h 00m) \d\ds$/,
    );
    expect(screen.getByText('Active')).toBeInTheDocument();
    expect(
      screen.getAllByRole('region', { name: 'Access request Production DB' }),
    ).toHaveLength(1);
  });
});

describe('the approvals list', () => {
  it('approves a pending request with a comment', async () => {
    const pending: AccessRequest = {
      ...active(),
      id: 'p1',
      requester: 'user:default/alice',
      reason: 'Restart the stuck workers',
      status: 'pending',
      targetId: 'k8s-namespace-admin',
      grantedAt: undefined,
      expiresAt: undefined,
      viewer: {
        canApprove: true,
        canRevoke: true,
        canExtend: false,
        canReview: false,
      },
    };
    let decided: unknown;
    let approved = false;
    server.use(
      http.get(`${BASE}/access-requests`, ({ request }) => {
        const toApprove = new URL(request.url).searchParams.get('toApprove');
        return HttpResponse.json({
          items: toApprove && !approved ? [pending] : [],
        });
      }),
      http.post(`${BASE}/access-requests/p1/approve`, async ({ request }) => {
        decided = await request.json();
        approved = true;
        return HttpResponse.json({ ...pending, status: 'active' });
      }),
    );
    await renderInTestApp(
      <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
        <AccessRequestApprovals />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Waiting for your approval (1)'),
    ).toBeInTheDocument();
    expect(screen.getByText('Restart the stuck workers')).toBeInTheDocument();
    await userEvent.type(screen.getByLabelText('Comment'), 'ok, go');
    await userEvent.click(screen.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(decided).toEqual({ comment: 'ok, go' }));
    expect(
      await screen.findByText('Waiting for your approval (0)'),
    ).toBeInTheDocument();
  });
});
