import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { spec } from './openapi.generated';

describe('the OpenAPI document', () => {
  it('is what the router validates against: openapi.generated.ts matches openapi.yaml', async () => {
    const { render } = (await import(
      '../../scripts/openapi-generate.mjs' as string
    )) as { render: (yaml: string) => string };
    const yaml = readFileSync(resolve(__dirname, 'openapi.yaml'), 'utf8');
    const generated = readFileSync(
      resolve(__dirname, 'openapi.generated.ts'),
      'utf8',
    );
    expect(generated).toBe(render(yaml));
  });

  it('documents every route the plugin serves', () => {
    expect(Object.keys(spec.paths).sort()).toEqual(
      expect.arrayContaining([
        '/definitions',
        '/events',
        '/health',
        '/incidents',
        '/incidents/unmapped',
        '/mappings',
        '/metrics',
        '/metrics/by-entity',
        '/metrics/series',
      ]),
    );
  });
});
