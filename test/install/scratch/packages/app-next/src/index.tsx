/*
 * A new-frontend-system app with nothing of the mttr plugin in its code:
 * feature discovery (`app.packages: all` in app-config.next.yaml) installs
 * @mttr-backstage/plugin-mttr/alpha because the package is a dependency.
 */
import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';

const app = createApp();

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
