import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  AccessRequest,
  AccessTarget,
} from '@mttr-backstage/plugin-mttr-common';
import { mttrApiRef } from '../../api';
import { incidentOf } from '../../__testUtils__/fixtures';
import {
  backstageError,
  clientForTests,
  setUpMttrServer,
} from '../../__testUtils__/mttrServer';
import { AccessRequestDialog } from './AccessRequestDialog';

const { server, BASE } = setUpMttrServer();

const targets: AccessTarget[] = [
  {
    id: 'prod-db-readonly',
    title: 'Production database (read-only)',
    maxDurationMinutes: 240,
    defaultDurationMinutes: 60,
    requireOpenIncident: true,
    approval: 'auto-on-call',
  },
  {
    id: 'cloud-break-glass',
    title: 'Cloud break-glass',
    maxDurationMinutes: 60,
    defaultDurationMinutes: 30,
    requireOpenIncident: true,
    approval: 'break-glass',
  },
];

const incident = incidentOf({
  incidentId: 'Q7',
  title: 'Checkout error rate above 2%',
  url: 'https://pagerduty.example.com/incidents/Q7',
  status: 'open',
});

async function renderDialog(onCreated = vi.fn(), onClose = vi.fn()) {
  await renderInTestApp(
    <TestApiProvider apis={[[mttrApiRef, clientForTests()]]}>
      <AccessRequestDialog
        open
        onClose={onClose}
        entityRef="component:default/checkout-web"
        targets={targets}
        initialTargetId="prod-db-readonly"
        incident={incident}
        onCreated={onCreated}
      />
    </TestApiProvider>,
  );
  return { onCreated, onClose };
}

describe('the access request dialog', () => {
  it('prefills the reason with the incident title and link, and the target default duration', async () => {
    await renderDialog();
    expect(screen.getByLabelText('Reason')).toHaveValue(
      'Checkout error rate above 2% (https://pagerduty.example.com/incidents/Q7)',
    );
    expect(screen.getByLabelText('Duration (minutes)')).toHaveValue(60);
    expect(screen.getByText('Up to 4h')).toBeInTheDocument();
    expect(
      screen.getByText(/if you are on call for this service/),
    ).toBeInTheDocument();
  });

  it('refuses a duration above the target maximum and a blank reason before sending', async () => {
    await renderDialog();
    const duration = screen.getByLabelText('Duration (minutes)');
    await userEvent.clear(duration);
    await userEvent.type(duration, '241');
    expect(screen.getByText('At most 240 minutes (4h)')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send request' })).toBeDisabled();
    await userEvent.clear(duration);
    await userEvent.type(duration, '240');
    expect(screen.getByRole('button', { name: 'Send request' })).toBeEnabled();
    await userEvent.clear(screen.getByLabelText('Reason'));
    expect(screen.getByText('Say why you need access')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Send request' })).toBeDisabled();
  });

  it('sends target, duration, incident and reason, and hands back the answer', async () => {
    let sent: any;
    const answer = { id: 'r1', status: 'active' } as AccessRequest;
    server.use(
      http.post(`${BASE}/access-requests`, async ({ request }) => {
        sent = await request.json();
        return HttpResponse.json(answer, { status: 201 });
      }),
    );
    const { onCreated, onClose } = await renderDialog();
    const duration = screen.getByLabelText('Duration (minutes)');
    await userEvent.clear(duration);
    await userEvent.type(duration, '90');
    await userEvent.click(screen.getByRole('button', { name: 'Send request' }));
    await waitFor(() => expect(onCreated).toHaveBeenCalledWith(answer));
    expect(onClose).toHaveBeenCalled();
    expect(sent).toEqual({
      entityRef: 'component:default/checkout-web',
      targetId: 'prod-db-readonly',
      incident: { source: 'pagerduty', incidentId: 'Q7' },
      durationMinutes: 90,
      reason:
        'Checkout error rate above 2% (https://pagerduty.example.com/incidents/Q7)',
    });
  });

  it('shows the backend refusal and stays open', async () => {
    server.use(
      http.post(`${BASE}/access-requests`, () =>
        backstageError(
          403,
          'NotAllowedError',
          'You lack the mttr.access.request permission',
        ),
      ),
    );
    const { onCreated, onClose } = await renderDialog();
    await userEvent.click(screen.getByRole('button', { name: 'Send request' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'You lack the mttr.access.request permission',
    );
    expect(onCreated).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('warns loudly when the chosen target is break-glass', async () => {
    await renderDialog();
    await userEvent.click(screen.getByLabelText('Target'));
    await userEvent.click(
      await screen.findByRole('option', { name: 'Cloud break-glass' }),
    );
    expect(
      screen.getByText(/BREAK-GLASS: granted at once/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Duration (minutes)')).toHaveValue(30);
  });
});
