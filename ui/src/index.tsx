import '@backstage/cli/asset-types';
import React from 'react';
import ReactDOM from 'react-dom/client';
import App from './App';
// The styles of Backstage UI (BUI), whose components the catalog, org and
// TechDocs plugins of this release line render (cards, headers, tables).
import '@backstage/ui/css/styles.css';

ReactDOM.createRoot(document.getElementById('root')!).render(<App />);
