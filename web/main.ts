/// <reference types="vite/client" />
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

mount(App, { target: document.getElementById('app')! });

// Offline (docs/SECURITY.md): the service worker caches this build, production only — the dev
// server's files change under it. Registered after `load` so it does not compete with the first load.
if (import.meta.env.PROD && 'serviceWorker' in navigator) {
  addEventListener('load', () => {
    navigator.serviceWorker.register('./sw.js', { scope: './' }).catch((e: unknown) => console.warn(`keyprint: offline mode unavailable: ${String(e)}`));
  });
}
