/// <reference types="vite/client" />
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';

// The service worker (offline, and updates only when the user says so) is registered by the App
// (web/lib/update.svelte.ts), in production builds only and not on the page a wipe reloads into.
mount(App, { target: document.getElementById('app')! });
