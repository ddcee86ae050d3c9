// Where keyboard and screen-reader focus goes when what is shown changes (a new screen, a new step
// of a connection): to the new view's heading, so the next Tab starts there and a screen reader
// reads where the person is — instead of focus falling back to the page (WCAG 2.2 §2.4.3).

/**
 * A Svelte action: focuses the element when it appears (making it focusable without putting it in
 * the Tab order). Put it on a view's heading: `<h2 use:focusOnShow>`.
 * @example <h2 id="sas-title" use:focusOnShow>Compare with Bob</h2>
 */
export function focusOnShow(node: HTMLElement): void {
  if (!node.hasAttribute('tabindex')) node.setAttribute('tabindex', '-1');
  // After the browser has laid the new view out; not while the person types somewhere else.
  queueMicrotask(() => {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body && active.isConnected && active.matches('input, textarea, select') && !node.contains(active)) return;
    node.focus({ preventScroll: false });
  });
}
