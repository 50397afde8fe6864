import { Entity } from '@backstage/catalog-model';

/** The name of the i-th generated entity. */
export const entityName = (i: number) => `svc-${String(i).padStart(5, '0')}`;

/** The generated catalog: components owned by 200 teams in 500 systems. */
export function benchEntities(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: entityName(i),
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': `PB${i}` },
      tags: [i % 3 === 0 ? 'java' : 'go'],
    },
    spec: {
      type: 'service',
      owner: `team-${i % 200}`,
      system: `system-${i % 500}`,
      lifecycle: 'production',
    },
  }));
}
