/*
 * The demo portal's backend: the catalog with the demo entities, guest
 * sign-in, permissions (allow-all, see permissionPolicy.ts) and the mttr
 * plugin with its PagerDuty and Alertmanager incident sources and its GitHub
 * deployment source.
 */
import { createBackend } from '@backstage/backend-defaults';
import { mttrDemoDeploymentsModule } from './modules/mttrDemo/deploymentsModule';
import { mttrDemoAccessModule } from './modules/mttrDemoAccess';
import { permissionPolicyModule } from './permissionPolicy';
import { rootHttpRouterWithStartupGate } from './startupGate';

const backend = createBackend();

// Requests that arrive while the backend starts wait for it (or get 503 with
// Retry-After) instead of a 404 from a plugin not mounted yet.
backend.add(rootHttpRouterWithStartupGate);

// Serves the built frontend when it exists (production build / e2e runs).
backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));

backend.add(import('@backstage/plugin-permission-backend'));
backend.add(permissionPolicyModule);

backend.add(import('@mttr-backstage/plugin-mttr-backend'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-pagerduty'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-alertmanager'));
backend.add(import('@mttr-backstage/plugin-mttr-backend-module-github'));
backend.add(mttrDemoAccessModule);
backend.add(import('./modules/mttrDemo')); // demo incidents (mttr.demo.enabled)
backend.add(mttrDemoDeploymentsModule); // demo deployments (mttr.demo.enabled)

backend.start();
