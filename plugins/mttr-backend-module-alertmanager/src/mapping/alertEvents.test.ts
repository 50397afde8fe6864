import { DEFAULT_SEVERITY_MAP } from '../config';
import {
  AlertmanagerAlert,
  eventsFromAlertmanagerPayload,
} from './alertEvents';

const options = {
  entityLabel: 'backstage_entity',
  severityMap: DEFAULT_SEVERITY_MAP,
};

/** An alert as Alertmanager's webhook (version 4) sends it. */
function alert(overrides: Partial<AlertmanagerAlert> = {}): AlertmanagerAlert {
  return {
    status: 'firing',
    labels: {
      alertname: 'CheckoutErrorRate',
      service: 'checkout',
      severity: 'critical',
      backstage_entity: 'component:default/checkout-web',
    },
    annotations: {
      summary: 'Checkout error rate above 5%',
      runbook_url: 'https://runbooks.example.com/checkout/errors',
    },
    startsAt: '2026-05-04T10:00:00.123456789Z',
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus:9090/graph?g0.expr=rate',
    fingerprint: 'c0ffee1234567890',
    ...overrides,
  };
}

function payload(alerts: AlertmanagerAlert[]) {
  return { version: '4', status: 'firing' as const, alerts };
}

describe('eventsFromAlertmanagerPayload', () => {
  it('turns a firing alert into an incident triggered at startsAt, with everything it carries', () => {
    const events = eventsFromAlertmanagerPayload(payload([alert()]), options);

    expect(events).toEqual([
      {
        source: 'alertmanager',
        incidentId: 'c0ffee1234567890@2026-05-04T10:00:00.123Z',
        eventId: 'c0ffee1234567890@2026-05-04T10:00:00.123Z/triggered',
        type: 'triggered',
        at: '2026-05-04T10:00:00.123Z',
        incident: {
          title: 'Checkout error rate above 5%',
          severity: 'sev1',
          fingerprint: 'c0ffee1234567890',
          url: 'http://prometheus:9090/graph?g0.expr=rate',
          runbookUrl: 'https://runbooks.example.com/checkout/errors',
          entityRefs: ['component:default/checkout-web'],
          labels: [
            'alertname=CheckoutErrorRate',
            'backstage_entity=component:default/checkout-web',
            'service=checkout',
            'severity=critical',
          ],
          mappingKeys: [
            'alertmanager:alertname=CheckoutErrorRate',
            'alertmanager:backstage_entity=component:default/checkout-web',
            'alertmanager:service=checkout',
            'alertmanager:severity=critical',
          ],
        },
      },
    ]);
  });

  it('resolves the episode at endsAt, keeping its triggered event in case the firing call was lost', () => {
    const events = eventsFromAlertmanagerPayload(
      payload([alert({ status: 'resolved', endsAt: '2026-05-04T10:25:00Z' })]),
      options,
    );

    expect(events.map(e => [e.eventId, e.type, e.at])).toEqual([
      [
        'c0ffee1234567890@2026-05-04T10:00:00.123Z/triggered',
        'triggered',
        '2026-05-04T10:00:00.123Z',
      ],
      [
        'c0ffee1234567890@2026-05-04T10:00:00.123Z/resolved',
        'resolved',
        '2026-05-04T10:25:00.000Z',
      ],
    ]);
  });

  it('makes a re-fire of the same alert a new incident with the same fingerprint', () => {
    const [first] = eventsFromAlertmanagerPayload(payload([alert()]), options);
    const [again] = eventsFromAlertmanagerPayload(
      payload([alert({ startsAt: '2026-05-04T11:00:00Z' })]),
      options,
    );

    expect(again.incidentId).not.toBe(first.incidentId);
    expect(again.incident?.fingerprint).toBe(first.incident?.fingerprint);
  });

  it.each([
    ['critical', 'sev1'],
    ['error', 'sev2'],
    ['warning', 'sev3'],
    ['info', 'sev4'],
    ['page-everyone', undefined],
  ])('maps severity label %s to %s by default', (label, severity) => {
    const [event] = eventsFromAlertmanagerPayload(
      payload([alert({ labels: { alertname: 'X', severity: label } })]),
      options,
    );
    expect(event.incident?.severity).toBe(severity);
  });

  it('uses a configured severity map and entity label', () => {
    const [event] = eventsFromAlertmanagerPayload(
      payload([
        alert({
          labels: {
            alertname: 'X',
            severity: 'P1',
            team_service: 'payments-api',
          },
        }),
      ]),
      { entityLabel: 'team_service', severityMap: { P1: 'sev1' } },
    );
    expect(event.incident?.severity).toBe('sev1');
    // A bare name is a component in the default namespace.
    expect(event.incident?.entityRefs).toEqual([
      'component:default/payments-api',
    ]);
  });

  it('falls back to the alert name as title, and drops links that are not http(s)', () => {
    const [event] = eventsFromAlertmanagerPayload(
      payload([
        alert({
          labels: { alertname: 'DiskFull' },
          // eslint-disable-next-line no-script-url
          annotations: { runbook_url: 'javascript:alert(1)' },
          generatorURL: 'file:///etc/passwd',
        }),
      ]),
      options,
    );
    expect(event.incident?.title).toBe('DiskFull');
    expect(event.incident).not.toHaveProperty('runbookUrl');
    expect(event.incident).not.toHaveProperty('url');
    expect(event.incident).not.toHaveProperty('entityRefs');
  });
});
