// What a browser context does on the network and what its pages' policies refuse, for the privacy
// and offline scenarios: every request (pages and service worker), WebSockets, the configuration of
// every RTCPeerConnection, Content-Security-Policy violations and policy console messages.

/** Runs in every page before the app (Playwright addInitScript, which CSP does not govern). */
function pageProbe() {
  const violations = (window.__kpViolations = []);
  // CSP3 "report a violation": it fires `securitypolicyviolation` at the element or document; it bubbles to window.
  addEventListener('securitypolicyviolation', (e) => {
    violations.push(`${e.effectiveDirective} refused ${e.blockedURI || '(inline)'} (${e.sourceFile || 'page'}:${e.lineNumber})`);
  }, true);
  const configs = (window.__kpRtcConfigs = []);
  const connections = (window.__kpPeerConnections = []);
  const Native = window.RTCPeerConnection;
  if (Native) {
    window.RTCPeerConnection = class extends Native {
      constructor(config, ...rest) {
        super(config, ...rest);
        configs.push(JSON.parse(JSON.stringify(config ?? null)));
        connections.push(this);
      }
    };
  }
}

/**
 * Instruments a context before its first page: `log.requests` gets every request URL (with who
 * made it), `log.problems` every CSP/Permissions-Policy console message and WebSocket.
 * @returns the same log object
 */
export async function instrument(context, label, log = { requests: [], problems: [] }) {
  await context.addInitScript(pageProbe);
  context.on('request', (r) => log.requests.push({ url: r.url(), by: r.serviceWorker() ? `${label} service worker` : label, type: r.resourceType() }));
  const watchPage = (page) => {
    page.on('websocket', (ws) => log.problems.push(`${label} opened a WebSocket to ${ws.url()}`));
    page.on('console', (m) => {
      if (/content.security.policy|permissions.policy|refused to/i.test(m.text())) log.problems.push(`${label} console.${m.type()}: ${m.text()}`);
    });
  };
  context.pages().forEach(watchPage);
  context.on('page', watchPage);
  return log;
}

/** A stand-in for `browser` whose contexts are instrumented as they are made (for harness helpers). */
export function instrumentedBrowser(browser, log) {
  let n = 0;
  return {
    newContext: async (options) => {
      const context = await browser.newContext(options);
      await instrument(context, String.fromCharCode(65 + n++), log);
      return context;
    },
  };
}

/** The requests that went anywhere but `origin` (data: and blob: stay in the page). */
export function offOrigin(requests, origin) {
  return requests.filter(({ url }) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
}

/** CSP violations the page saw (securitypolicyviolation events). */
export const violations = (page) => page.evaluate(() => window.__kpViolations ?? ['probe missing']);

/** Each RTCPeerConnection's configuration and its ICE candidates, from getStats(). */
export function peerConnections(page) {
  return page.evaluate(async () => {
    const out = [];
    for (const [i, pc] of window.__kpPeerConnections.entries()) {
      const stats = [...(await pc.getStats()).values()];
      out.push({
        requested: window.__kpRtcConfigs[i],
        iceServers: pc.getConfiguration().iceServers ?? [],
        candidates: stats.filter((s) => s.type === 'local-candidate' || s.type === 'remote-candidate')
          .map((s) => ({ side: s.type, type: s.candidateType, address: s.address, url: s.url ?? null })),
      });
    }
    return out;
  });
}
