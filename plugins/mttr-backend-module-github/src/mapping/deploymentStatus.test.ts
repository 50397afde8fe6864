import { deploymentStatusPayload } from '../__testUtils__/deploymentStatusPayload';
import {
  deploymentRecordOf,
  deploymentStatusEventSchema,
  deploymentStatusOf,
} from './deploymentStatus';

const parse = (payload: unknown) => deploymentStatusEventSchema.parse(payload);

describe('deploymentStatusOf', () => {
  it('maps success to succeeded, failure and error to failed', () => {
    expect(deploymentStatusOf('success')).toBe('succeeded');
    expect(deploymentStatusOf('failure')).toBe('failed');
    expect(deploymentStatusOf('error')).toBe('failed');
  });

  it('records nothing for inactive (superseded, not rolled back) nor for unfinished states', () => {
    for (const state of [
      'inactive',
      'pending',
      'queued',
      'in_progress',
      'waiting',
    ]) {
      expect(deploymentStatusOf(state)).toBeUndefined();
    }
  });
});

describe('deploymentRecordOf', () => {
  it('makes a successful status a live deployment that finished when the status was reported', () => {
    const event = parse(deploymentStatusPayload());

    expect(
      deploymentRecordOf(event, 'succeeded', [
        'component:default/payments-worker',
        'component:default/payments-api',
      ]),
    ).toEqual({
      source: 'github',
      deploymentId: '1234567',
      at: '2026-05-01T10:02:03Z',
      status: 'succeeded',
      entityRefs: [
        'component:default/payments-api',
        'component:default/payments-worker',
      ],
      environment: 'production',
      startedAt: '2026-05-01T10:00:00Z',
      finishedAt: '2026-05-01T10:02:03Z',
      version: 'v1.2.3',
      commit: '7638417db6d59f3c431d3e1f261cc637155684cd',
      url: 'https://github.com/acme/payments-api/actions/runs/4242',
    });
  });

  it('gives a failed deployment no finishedAt, since it never went live', () => {
    const record = deploymentRecordOf(
      parse(
        deploymentStatusPayload({
          state: 'failure',
          statusAt: '2026-05-01T10:05:00Z',
        }),
      ),
      'failed',
      ['component:default/payments-api'],
    );

    expect(record.status).toBe('failed');
    expect(record.at).toBe('2026-05-01T10:05:00Z');
    expect(record).not.toHaveProperty('finishedAt');
  });

  it('links to the log and then to the environment when the status has no target URL', () => {
    const withoutTarget = deploymentStatusPayload({ targetUrl: '' });
    expect(deploymentRecordOf(parse(withoutTarget), 'succeeded', []).url).toBe(
      'https://github.com/acme/payments-api/actions/runs/4242/job/77',
    );

    const onlyEnvironment = deploymentStatusPayload({
      targetUrl: null,
      logUrl: '',
    });
    expect(
      deploymentRecordOf(parse(onlyEnvironment), 'succeeded', []).url,
    ).toBe('https://payments.example.com');

    const none = deploymentStatusPayload({
      targetUrl: null,
      logUrl: '',
      environmentUrl: '',
    });
    expect(deploymentRecordOf(parse(none), 'succeeded', [])).not.toHaveProperty(
      'url',
    );
  });

  it("takes the status's environment when the deployment has none", () => {
    const payload = deploymentStatusPayload({ environment: 'staging' });
    payload.deployment.environment = '';

    expect(
      deploymentRecordOf(parse(payload), 'succeeded', []).environment,
    ).toBe('staging');
  });
});

describe('deploymentStatusEventSchema', () => {
  it('names the field that is missing', () => {
    const payload: any = deploymentStatusPayload();
    delete payload.deployment.id;
    const result = deploymentStatusEventSchema.safeParse(payload);

    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['deployment', 'id']);
  });

  it('refuses a delivery without any environment', () => {
    const payload = deploymentStatusPayload();
    payload.deployment.environment = '';
    payload.deployment_status.environment = '';
    const result = deploymentStatusEventSchema.safeParse(payload);

    expect(result.success).toBe(false);
    expect(result.error!.issues[0].path).toEqual(['deployment', 'environment']);
  });
});
