// The house rules, checked by `npm run lint:layers` (part of `npm test`). docs/ARCHITECTURE.md
// "Layers" explains them. Arrows point down only:
//   core ← sas, identity ← enroll, hardware, session, card, group ← cli, web
// (enroll sits over hardware too: it is the CTAP ceremony). src/errors.ts is under everything.
// Browser entries reach no node: built-in and no Node-only package; a `_private` module is
// imported only from its own folder; a CLI command file imports no other command file.

const LAYER = {
  core: ['core'],
  sas: ['core', 'sas'],
  identity: ['core', 'identity'],
  hardware: ['core', 'sas', 'identity', 'hardware'],
  session: ['core', 'sas', 'identity', 'session'],
  card: ['core', 'sas', 'identity', 'card'],
  group: ['core', 'sas', 'identity', 'group'],
  enroll: ['core', 'sas', 'identity', 'hardware', 'enroll'],
  cli: ['core', 'sas', 'identity', 'hardware', 'session', 'card', 'group', 'enroll', 'cli'],
};

// The package entries that must bundle for a browser (package.json "exports" without /node), and the web app.
const BROWSER_ENTRIES = '^(src/(core|sas|identity|hardware|session|group|card)/index\\.ts|web/main\\.ts)$';
// Node built-ins and the packages that only run in Node (native addons, file-system renderers).
const NODE_ONLY = '^(node:|(assert|buffer|child_process|crypto|dgram|dns|events|fs|fs/promises|http|https|module|net|os|path|process|readline|readline/promises|stream|tls|url|util|worker_threads|zlib)$)|node_modules/(node-hid|node-datachannel|@resvg/resvg-js|pngjs|jpeg-js)/';

const layerRules = Object.entries(LAYER).map(([from, allowed]) => ({
  name: `layer-${from}`,
  comment: `src/${from} may import only ${allowed.map((l) => `src/${l}`).join(', ')} and src/errors.ts (arrows point down)`,
  severity: 'error',
  from: { path: `^src/${from}/` },
  to: { path: '^src/', pathNot: [`^src/(${allowed.join('|')})/`, '^src/errors\\.ts$'] },
}));

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'layer-errors',
      comment: 'src/errors.ts is the floor: it imports nothing of keyprint',
      severity: 'error',
      from: { path: '^src/errors\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'web-through-entries',
      comment: 'web/ imports src/ only through the package entries (keyprint/*), never a module behind them',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^src/', pathNot: '^src/(core|sas|identity|hardware|session|group|card)/index\\.ts$' },
    },
    {
      name: 'no-node-in-browser',
      comment: 'a browser entry reaches no node: built-in or Node-only package (put Node code behind a /node entry, in a *-node.ts file)',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: NODE_ONLY, reachable: true },
    },
    {
      name: 'no-cross-folder-private',
      comment: 'a _private module is imported only from its own folder',
      severity: 'error',
      from: { path: '^(src/[^/]+|web)/' },
      to: { path: '/_[^/]+$', pathNot: '^$1/' },
    },
    {
      name: 'no-command-to-command',
      comment: 'a CLI command file does not import another (shared code goes in a src/cli/_private module)',
      severity: 'error',
      from: { path: '^src/cli/(?!_|main\\.ts$|output\\.ts$)[^/]+\\.ts$' },
      to: { path: '^src/cli/(?!_|output\\.ts$)[^/]+\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Dynamic imports are left out: keyprint has three, each the Node branch of a runtime check
    // (core/_wasm.ts reads the .wasm file in Node; node-hid and node-datachannel load on use). The
    // browser-bundle test (test/layers/browser-bundle.test.ts) bundles every browser entry with Vite
    // and fails on any Node built-in that reaches the bundle, dynamic or not.
    exclude: { path: '^(dist|dist-web|node_modules)/', dynamic: true },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'browser', 'default'], extensions: ['.ts', '.js', '.svelte', '.mjs'] },
  },
};
