// Turns src/schema/openapi.yaml into src/schema/openapi.generated.ts, the
// typed constant the router is built from (the role that
// `backstage-repo-tools package schema openapi generate --server` plays in
// the Backstage repository, without its Java-based generator).
// Usage: node scripts/openapi-generate.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const source = resolve(root, 'src/schema/openapi.yaml');
const target = resolve(root, 'src/schema/openapi.generated.ts');

export function render(yamlText) {
  const spec = parse(yamlText);
  return `// Generated from openapi.yaml by scripts/openapi-generate.mjs: do not edit.
// Run \`npm run openapi:generate\` in plugins/mttr-backend after changing the YAML.

export const spec = ${JSON.stringify(spec, null, 2)} as const;

export type MttrApiSpec = typeof spec;
`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const text = render(readFileSync(source, 'utf8'));
  if (process.argv.includes('--check')) {
    if (readFileSync(target, 'utf8') !== text) {
      console.error(
        'openapi.generated.ts is out of date: run npm run openapi:generate',
      );
      process.exit(1);
    }
  } else {
    writeFileSync(target, text);
  }
}
