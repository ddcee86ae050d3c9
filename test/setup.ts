// Loads the WebAssembly core before every test file. KEYPRINT_WASM=debug runs the suite against the
// debug build (bounds checks and assertions on) instead of the release build.
import { ready } from '../src/core/index.js';

const file = process.env.KEYPRINT_WASM === 'debug' ? 'core.debug.wasm' : 'core.wasm';
await ready(new URL(`../dist/${file}`, import.meta.url));
