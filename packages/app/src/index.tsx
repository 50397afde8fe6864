import '@backstage/cli/asset-types';
// Backstage's base styles (box model, no body margin), as the app template
// loads them: without them every page is wider than the window.
import '@backstage/ui/css/styles.css';
import ReactDOM from 'react-dom/client';
import App from './App';

ReactDOM.createRoot(document.getElementById('root')!).render(<App />);
