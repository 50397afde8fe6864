/*
 * The scratch backend of `npm run test:install`: what an adopter's
 * packages/backend/src/index.ts holds once the mttr plugin is installed, as
 * the README's "Installing into an existing Backstage app" says.
 */
import { createBackend } from '@backstage/backend-defaults';
import { permissionPolicyModule } from './permissionPolicy';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

backend.add(import('@mttr-backstage/plugin-mttr-backend'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-pagerduty'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-alertmanager'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-github'));

backend.start();
