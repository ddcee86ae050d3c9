// Touch prompts on stderr while a security key waits for user presence (CTAPHID KEEPALIVE status 2,
// UPNEEDED — CTAP 2.1 §11.2.9.2.1). Only on a terminal: when stderr is not a TTY, or with --json,
// nothing is written, so scripts see clean output. Ctrl+C while waiting cancels the request on the
// key (CTAPHID_CANCEL, §11.2.9.1.5) instead of leaving it blinking.

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const KEEPALIVE_UPNEEDED = 2;

/** A prompt for one or more device requests; `onKeepalive` goes into CallOptions. */
export interface TouchPrompt {
  onKeepalive(status: number): void;
  /** Clears the spinner line (call after each request, and on error). */
  done(): void;
}

/**
 * A "Touch your security key…" prompt with a spinner, shown from the first UPNEEDED keepalive of a
 * request until `done()`.
 * @param options.quiet suppress everything (`--json`)
 * @param options.stream where to write (default process.stderr); silent unless it is a TTY
 * @returns the prompt
 * @example const p = touchPrompt({ quiet: json }); try { await ctap.makeCredential(r, { onKeepalive: p.onKeepalive }) } finally { p.done() }
 */
export function touchPrompt(options: { quiet?: boolean; stream?: NodeJS.WriteStream; message?: string } = {}): TouchPrompt {
  const stream = options.stream ?? process.stderr;
  const active = !options.quiet && stream.isTTY === true;
  const message = options.message ?? 'Touch your security key…';
  let timer: NodeJS.Timeout | undefined;
  let frame = 0;
  const draw = () => {
    stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${message}`);
  };
  return {
    onKeepalive(status: number) {
      if (!active || status !== KEEPALIVE_UPNEEDED || timer) return;
      draw();
      timer = setInterval(draw, 100);
      timer.unref();
    },
    done() {
      if (!timer) return;
      clearInterval(timer);
      timer = undefined;
      stream.write('\r\x1b[2K'); // carriage return + erase line
    },
  };
}

/**
 * An AbortSignal that fires on SIGINT (Ctrl+C), so a pending request is cancelled on the key; the
 * command then ends with a `cancelled` error. Call `dispose()` when the device work is over.
 * @returns the signal and its disposer
 * @example const interrupt = interruptSignal(); try { await call({ signal: interrupt.signal }) } finally { interrupt.dispose() }
 */
export function interruptSignal(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return { signal: controller.signal, dispose: () => { process.off('SIGINT', onSigint); } };
}
