import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { AccessRequest } from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import {
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { AccessRequestStatus } from './AccessRequestStatus';
import { formatCountdown } from './countdown';

const { server, BASE } = setUpMttrServer();

const MIN = 60_000;

function requestOf(overrides: Partial<AccessRequest> = {}): AccessRequest {
  return {
    id: 'r1',
    entityRef: 'component:default/checkout-web',
    targetId: 'prod-db-readonly',
    requester: 'user:default/guest',
    reason: 'Checkout errors',
    durationMinutes: 120,
    status: 'active',
    approval: 'auto-on-call',
    breakGlass: false,
    createdAt: new Date(Date.now() - 30 * MIN).toISOString(),
    grantedAt: new Date(Date.now() - 30 * MIN).toISOString(),
    expiresAt: new Date(Date.now() + 90 * MIN + 30_000).toISOString(),
    approvals: [],
    approvalsRequired: 1,
    viewer: {
      canApprove: false,
      canRevoke: true,
      canExtend: true,
      canReview: false,
    },
    ...overrides,
  };
}

async function renderStatus(request: AccessRequest, onChange = vi.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <AccessRequestStatus
        request={request}
        targetTitle="Production DB"
        onChange={onChange}
      />
    </TestApiProvider>,
  );
  return onChange;
}

describe('the access request status', () => {
  it('formats what is left to the second', () => {
    expect(formatCountdown(90 * MIN + 30_000)).toBe('1h 30m 30s');
    expect(formatCountdown(4 * MIN + 9_000)).toBe('4m 09s');
    expect(formatCountdown(-5)).toBe('0s');
  });

  it('counts an active grant down to its expiry and revokes it on "Revoke now"', async () => {
    server.use(
      http.post(`${BASE}/access-requests/r1/revoke`, () =>
        HttpResponse.json(
          requestOf({ status: 'revoked', endedAt: new Date().toISOString() }),
        ),
      ),
    );
    const onChange = await renderStatus(requestOf());
    expect(screen.getByText('Active')).toBeInTheDocument();
    // 90 minutes and 30 seconds from when the fixture was made.
    expect(screen.getByRole('timer')).toHaveTextContent(
      /^expires in 1h 30m [0-3]\ds$/,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Revoke now' }));
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(
        expect.objectContaining({ status: 'revoked' }),
      ),
    );
  });

  it('asks for a longer total duration with a reason, and hands back the answer', async () => {
    let sent: unknown;
    server.use(
      http.post(`${BASE}/access-requests/r1/extend`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(requestOf({ durationMinutes: 180 }));
      }),
    );
    const onChange = await renderStatus(requestOf());
    await userEvent.click(screen.getByRole('button', { name: 'Extend' }));
    const total = screen.getByLabelText('New total (minutes from the grant)');
    await userEvent.clear(total);
    await userEvent.type(total, '180');
    expect(
      screen.getByRole('button', { name: 'Ask to extend' }),
    ).toBeDisabled();
    await userEvent.type(
      screen.getByLabelText('Why longer'),
      'rollback still running',
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Ask to extend' }),
    );
    await waitFor(() =>
      expect(onChange).toHaveBeenCalledWith(
        expect.objectContaining({ durationMinutes: 180 }),
      ),
    );
    expect(sent).toEqual({
      durationMinutes: 180,
      reason: 'rollback still running',
    });
  });

  it('shows a request whose grant call is in flight as granting, with "Revoke now", and hands back its outcome once committed', async () => {
    let reads = 0;
    server.use(
      http.get(`${BASE}/access-requests/r1`, () => {
        reads += 1;
        return HttpResponse.json(
          requestOf({ status: reads < 2 ? 'granting' : 'active' }),
        );
      }),
    );
    const onChange = await renderStatus(requestOf({ status: 'granting' }));
    expect(screen.getByText('Granting…')).toBeInTheDocument();
    expect(
      screen.getByText('waiting for the target to confirm the grant'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('timer')).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Extend' })).toBeNull();
    expect(
      screen.getByRole('button', { name: 'Revoke now' }),
    ).toBeInTheDocument();
    // Read again every 2 s: still granting at the first read, active at the second.
    await waitFor(
      () =>
        expect(onChange).toHaveBeenCalledWith(
          expect.objectContaining({ status: 'active' }),
        ),
      { timeout: 6000 },
    );
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(reads).toBe(2);
  }, 10_000);

  it('shows a pending request with its approvals so far and lets the requester withdraw it', async () => {
    await renderStatus(
      requestOf({
        status: 'pending',
        approvalsRequired: 2,
        approvals: [
          { approver: 'user:default/bob', at: new Date().toISOString() },
        ],
        grantedAt: undefined,
        expiresAt: undefined,
      }),
    );
    expect(screen.getByText('Pending approval')).toBeInTheDocument();
    expect(screen.getByText('1 of 2 approvals')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Withdraw' }),
    ).toBeInTheDocument();
    expect(screen.queryByRole('timer')).not.toBeInTheDocument();
  });

  it('shows an ended grant without countdown or revoke, and a refused grant with its error', async () => {
    await renderStatus(
      requestOf({
        status: 'failed',
        error: 'grant failed: webhook answered 503',
        viewer: undefined,
      }),
    );
    expect(screen.getByText('Failed')).toBeInTheDocument();
    expect(
      screen.getByText('grant failed: webhook answered 503'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Revoke now' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('timer')).not.toBeInTheDocument();
  });

  it('says when a revocation is not confirmed yet and is being retried', async () => {
    await renderStatus(
      requestOf({
        revocation: {
          outcome: 'expired',
          requestedAt: new Date().toISOString(),
          requestedBy: 'system:mttr-access',
          attempts: 3,
          lastError: 'revocation failed: webhook unreachable',
        },
      }),
    );
    expect(screen.getByText('ending…')).toBeInTheDocument();
    expect(
      screen.getByText(
        /Revocation not confirmed yet \(attempt 3\): revocation failed: webhook unreachable/,
      ),
    ).toBeInTheDocument();
  });

  it('flags break-glass grants and shows the history on demand', async () => {
    server.use(
      http.get(`${BASE}/access-requests/r1`, () =>
        HttpResponse.json(
          requestOf({
            breakGlass: true,
            history: [
              {
                at: '2026-03-02T10:00:00.000Z',
                actor: 'user:default/guest',
                action: 'requested',
                status: 'pending',
                comment: 'Checkout errors',
              },
              {
                at: '2026-03-02T10:00:00.000Z',
                actor: 'user:default/guest',
                action: 'break-glass',
                status: 'active',
              },
            ],
          }),
        ),
      ),
    );
    await renderStatus(requestOf({ breakGlass: true }));
    expect(screen.getByText('BREAK-GLASS')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'History' }));
    const history = await screen.findByRole('list', {
      name: 'Request history',
    });
    expect(history).toHaveTextContent(
      'requested by user:default/guest — Checkout errors',
    );
    expect(history).toHaveTextContent('break-glass by user:default/guest');
  });
});
