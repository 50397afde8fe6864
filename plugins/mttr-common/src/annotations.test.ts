import { Entity } from '@backstage/catalog-model';
import {
  hasIncidentSourceAnnotation,
  isSafeHttpUrl,
  mappingKeysOfEntity,
  splitList,
} from './annotations';

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payments-api', namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-payments' },
  };
}

describe('isSafeHttpUrl', () => {
  it.each([
    'https://runbooks.example.com/payments-api',
    'http://localhost:3000/docs',
  ])('accepts the absolute http(s) URL %j', url => {
    expect(isSafeHttpUrl(url)).toBe(true);
  });

  it.each([
    // eslint-disable-next-line no-script-url -- the URL a link must refuse
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://files.example.com/runbook.txt',
    '/relative/runbook',
    'runbooks.example.com/payments-api',
    '',
    null,
    undefined,
  ])('refuses %j, which a link must never point to', url => {
    expect(isSafeHttpUrl(url)).toBe(false);
  });
});

describe('splitList', () => {
  it('splits on commas, trims and drops blanks', () => {
    expect(splitList(' a, b ,,c ,')).toEqual(['a', 'b', 'c']);
    expect(splitList(undefined)).toEqual([]);
  });
});

describe('mappingKeysOfEntity', () => {
  it('turns every mapping annotation into source-prefixed mapping keys', () => {
    const entity = component({
      'pagerduty.com/service-id': ' PPAYAPI ',
      'mttr.dev/alert-matchers': 'service=payments-api, env = prod',
      'mttr.dev/incident-keys': 'statuspage:component=api, manual:payments',
    });
    expect(mappingKeysOfEntity(entity)).toEqual([
      'pagerduty:service:PPAYAPI',
      'alertmanager:service=payments-api',
      'alertmanager:env=prod',
      'statuspage:component=api',
      'manual:payments',
    ]);
    expect(hasIncidentSourceAnnotation(entity)).toBe(true);
  });

  it('keeps "=" inside a matcher value and ignores matchers without a value', () => {
    const entity = component({
      'mttr.dev/alert-matchers': 'query=a=b, justalabel, =novalue',
    });
    expect(mappingKeysOfEntity(entity)).toEqual(['alertmanager:query=a=b']);
  });

  it('finds no keys, and no incident source, on an entity without the annotations', () => {
    const entity = component({ 'backstage.io/techdocs-ref': 'dir:.' });
    expect(mappingKeysOfEntity(entity)).toEqual([]);
    expect(hasIncidentSourceAnnotation(entity)).toBe(false);
  });
});
