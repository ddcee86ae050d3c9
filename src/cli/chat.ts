// `keyprint chat`: a verified, end-to-end encrypted chat from the terminal with another terminal or
// the web app — the same compact invite/answer texts, the same session protocol (docs/PROTOCOL.md
// "Session protocol", "Compact signaling"). This file parses flags, unlocks the identity, reads
// commands line by line from stdin and writes events: text for people, or `--json` lines for scripts.

import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ready } from '../core/index.js';
import { KeyprintError } from '../errors.js';
import { readEnrollment, unlockHome } from './_identity-store.js';
import type { IdentityKeyPair } from '../identity/index.js';
import { AUTO_ACCEPT_BYTES, checkIceConfig, displayText, parseIceServer, type IceConfig } from '../session/index.js';
import { CLI_STORAGE_LABELS, StorageKey } from '../session/storage-key.js';
import { ChatController, type ChatEvent } from './_chat-controller.js';
import { NodeFileStore } from './_chat-files.js';
import { FileContactStore } from './_contacts-store.js';
import { FileOutbox } from './_outbox-store.js';
import { terminalQr } from './_chat-qr.js';
import { openDevice, parseDevice } from './_device.js';
import { resolveHome } from './_home.js';
import { interruptSignal, touchPrompt } from './_prompt.js';
import { EXIT, UsageError, print, printJson, printStatus } from './output.js';

export const CHAT_HELP = `Usage: keyprint chat [--home DIR] [--device DEV] [--pin PIN] [--ice URL]... [--relay-only] [--json]

Unlocks your identity, connects to one person by exchanging two short texts (an invite and an
answer, also shown as QR codes), shows the short authentication string (SAS) to compare with them,
then chats. Talks to another terminal or to the keyprint web app. Contacts you verify are kept in
HOME/contacts.json (with those added by keyprint contacts add): next time they are recognised
without comparing. Messages typed while the peer is away wait, encrypted, in HOME/outbox/.
  --ice URL           a STUN or TURN server, repeatable: stun:HOST[:PORT], turn:USER:PASS@HOST[:PORT][?transport=udp|tcp],
                      turns:USER:PASS@HOST[:PORT] (default: none — direct connections only)
  --relay-only        connect only through the TURN server: the other side never learns your IP address
  --bind ADDRESS      use this local address only (e.g. 127.0.0.1); default: every interface
  --files DIR         where received files go (default HOME/received); never overwritten
  --auto-accept SIZE  receive files up to SIZE without asking (default 100M; 0: always ask), e.g. 500k, 2G
  --invite            create an invite at once
  --accept TEXT       answer this invite at once
  --wait S            how long an invite waits for its answer (default 600)
  --connect-timeout S from the texts exchanged to the SAS shown (default 30)
  --gather-timeout S  how long to collect network candidates (default 10)
  --invert-qr         draw the QR code light-on-dark (if a phone does not read it on your terminal theme)
  --device, --pin, --home   as for keyprint unlock
  --json              one JSON event per stdout line; commands on stdin
Commands (one per line): /invite, /accept TEXT (or paste the text), /verify, /reject, /file PATH
(any size: streamed, resumed on the next connection if this one drops), /accept-file [ID],
/decline-file [ID] (a file offered above the auto-accept size), /cancel-file [ID] (stop a transfer,
either way), /cancel (give up this invite or chat), /quit, /help; any other line is a message ("//"
sends a line that starts with "/"). Received texts are shown, never executed.`;

const COMMANDS_HELP = '/invite · /accept TEXT (or paste it) · /verify · /reject · /file PATH · /accept-file · /decline-file · /cancel-file · /cancel · /quit';

interface ChatFlags {
  home?: string; device?: string; pin?: string; ice?: string[]; 'relay-only'?: boolean; bind?: string; files?: string; 'auto-accept'?: string;
  invite?: boolean; accept?: string; wait?: string; 'connect-timeout'?: string; 'gather-timeout'?: string; 'invert-qr'?: boolean;
  json?: boolean; help?: boolean;
}

function parseChatFlags(args: string[]): ChatFlags {
  try {
    return parseArgs({
      args,
      options: {
        home: { type: 'string' }, device: { type: 'string' }, pin: { type: 'string' }, ice: { type: 'string', multiple: true },
        'relay-only': { type: 'boolean' }, bind: { type: 'string' }, files: { type: 'string' }, 'auto-accept': { type: 'string' }, invite: { type: 'boolean' },
        accept: { type: 'string' }, wait: { type: 'string' }, 'connect-timeout': { type: 'string' }, 'gather-timeout': { type: 'string' },
        'invert-qr': { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values as ChatFlags;
  } catch (e) {
    throw new UsageError(`chat: ${(e as Error).message}`);
  }
}

function seconds(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback * 1000;
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0) || n > 86_400) throw new UsageError(`chat: "--${flag}" expected seconds from 0.1 to 86400, got "${value}"`);
  return Math.round(n * 1000);
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * A size for `--auto-accept`: bytes, or with a binary unit (k, M, G, T; "MiB", "MB" alike).
 * @throws UsageError
 * @example parseSize('100M') // 104857600
 */
export function parseSize(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?$/i.exec(value.trim());
  if (!m) throw new UsageError(`chat: "--${flag}" expected a size such as 100M, 2G or 0 (always ask), got "${value}"`);
  return Math.floor(Number(m[1]) * UNITS[m[2].toLowerCase()]);
}

/** A size for a person: 1.5 MiB. */
export function sizeText(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024, u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}

const clock = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}:${String(Math.floor(s / 60) % 60).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}` : `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);
const percent = (bytes: number, size: number) => (size === 0 ? 100 : Math.floor((bytes * 100) / size));

/** One transfer on the progress line: ⇡ name 45% [█████·····] 120 MiB/s 0:12 left. */
export function progressText(e: Extract<ChatEvent, { type: 'progress' }>): string {
  const p = percent(e.bytes, e.size);
  const bar = '█'.repeat(Math.round(p / 10)).padEnd(10, '·');
  const name = [...displayText(e.name)].slice(0, 24).join('');
  const tail = e.state === 'verifying' ? 'checking SHA-256…' : e.rate > 0 ? `${sizeText(e.rate)}/s${e.eta !== undefined ? ` ${clock(e.eta)} left` : ''}` : e.state === 'offered' ? 'waiting for them to accept' : '';
  return `${e.direction === 'out' ? '⇡' : '⇣'} ${name} ${p}% [${bar}] ${tail}`.trimEnd();
}

/** The ICE configuration from the flags (validated before the security key is touched). */
export function iceFromFlags(urls: string[] | undefined, relayOnly: boolean | undefined): IceConfig {
  try {
    return checkIceConfig({ servers: (urls ?? []).map(parseIceServer), relayOnly: relayOnly === true });
  } catch (e) {
    throw new UsageError(`chat: ${(e as Error).message}`);
  }
}

const day = (iso: string) => iso.slice(0, 10);
const how = (by: string) => (by === 'sas' ? 'by comparing the code' : by === 'card' ? 'with their printed card' : 'with a signed receipt');
/** A peer: the name stored for its key, and the one it presents when that differs. */
const peerName = (p: { name: string; did: string; presentsAs?: string }) => `${p.name}${p.presentsAs !== undefined ? ` (presents itself as "${p.presentsAs}")` : ''}`;

/**
 * Renders an event for a person (`--json` prints the object instead). `print` makes every line safe
 * for the terminal (src/cli/output.ts); a message is made safe first, so that none of its line
 * breaks (a U+2028 included) can start a line without the "< " mark.
 * @returns the text, or undefined for events a person need not see
 */
export function render(e: ChatEvent, invertQr: boolean): string | undefined {
  switch (e.type) {
    case 'ready': return `Unlocked: ${e.name} (${e.did})\nType /invite to create an invite, or paste the invite you received. ${COMMANDS_HELP}`;
    case 'signal':
      return e.kind === 'offer'
        ? `${terminalQr(e.text, { invert: invertQr })}\n\nYour invite — send this text (or let them scan the code):\n\n  ${e.text}\n\nThen paste their answer here.`
        : `${terminalQr(e.text, { invert: invertQr })}\n\nYour answer — send this text back (or let them scan the code):\n\n  ${e.text}\n\nConnecting…`;
    case 'connected': return 'Connected. Checking identities…';
    case 'sas': return [
      `Compare with ${peerName(e.peer)} (${e.peer.did}) — by voice or in person, not in this chat:`,
      `  ${e.emoji.map((x) => x.emoji).join('  ')}`,
      `  ${e.emoji.map((x) => x.name).join(' · ')}`,
      `  words:   ${e.words.join(' ')}`,
      `  numbers: ${e.numbers.join(' ')}`,
      'Do they match? [y/N]',
    ].join('\n');
    case 'recognized': return `${peerName(e.peer)} is the contact you verified ${how(e.verifiedBy)} on ${day(e.verifiedAt)} (same identity key): no need to compare. If they ask to compare: ${e.emoji.map((x) => x.emoji).join(' ')} · ${e.words.join(' ')} · ${e.numbers.join(' ')}`;
    case 'key-changed': return `WARNING: ${e.text}`;
    case 'outbox': return `${e.pending} message${e.pending === 1 ? '' : 's'} from an earlier run wait${e.pending === 1 ? 's' : ''} in your outbox: sent when you reconnect with ${e.peers.join(', ')}.`;
    case 'peer-confirmed': return 'They confirmed the codes match.';
    case 'confirmed': return `Verified: ${peerName(e.peer)} (${e.peer.did}). Type a message and press Enter; /file PATH sends a file.`;
    case 'message': return displayText(e.text, { multiline: true }).split('\n').map((l) => `< ${l}`).join('\n');
    case 'sending': return undefined;
    case 'status':
      if (e.status === 'sent' || (e.status === 'queued' && !e.offline)) return undefined;
      return `  ${e.status === 'delivered' ? '✓✓ delivered' : e.status === 'queued' ? '… queued: sent when you reconnect' : '✗ failed'} [${e.id.slice(0, 8)}]`;
    case 'file': return `Received file "${e.name}" (${e.size} bytes, SHA-256 checked) → ${e.path}`;
    case 'file-offer': {
      const what = `"${e.name}" (${sizeText(e.size)}${e.mime ? `, ${e.mime}` : ''})`;
      return e.ask
        ? `They offer ${what}. /accept-file ${e.id.slice(0, 8)} to receive it, /decline-file ${e.id.slice(0, 8)} to refuse it.`
        : `Receiving ${what}…`;
    }
    case 'progress':
      if (e.text !== undefined) return `! ${e.text}`;
      if (e.state === 'paused') return `  "${e.name}" paused at ${percent(e.bytes, e.size)}%: it resumes when you reconnect with them.`;
      if (e.state === 'offered' && e.direction === 'out') return `Offered "${e.name}" (${sizeText(e.size)}): waiting for them to accept.`;
      if (e.state === 'running' && e.resumedFrom !== undefined && e.bytes === e.resumedFrom) return `Resuming "${e.name}" from ${percent(e.resumedFrom, e.size)}%.`;
      return undefined;
    case 'receipt': return `${e.valid ? '✓' : '!'} ${e.text}`;
    case 'cancelled': return `${e.text} (${e.code}${e.by === 'them' ? ', by the other side' : ''}) ${COMMANDS_HELP}`;
    case 'error': return `! ${e.message}`;
    case 'bye': return undefined;
  }
}

async function unlock(flags: ChatFlags, home: string, quiet: boolean): Promise<{ identity: IdentityKeyPair; bundle: Uint8Array; name: string }> {
  const enrolled = await readEnrollment(home);
  if (!enrolled) throw new KeyprintError('no-identity', `no identity in ${home}: run keyprint enroll`);
  const prompt = touchPrompt({ quiet });
  const interrupt = interruptSignal();
  try {
    const device = await openDevice(parseDevice(flags.device));
    try {
      const { identity } = await unlockHome({
        ctap: device.ctap, enrolled, pin: flags.pin, signal: interrupt.signal, onKeepalive: (s) => prompt.onKeepalive(s),
      }).finally(() => prompt.done());
      return { identity, bundle: enrolled.bundleBytes, name: enrolled.bundle.displayName };
    } finally {
      await device.close();
    }
  } finally {
    interrupt.dispose();
  }
}

/**
 * Runs `keyprint chat` until /quit, Ctrl+C or the end of stdin.
 * @param args the command's arguments (flags)
 * @returns the exit code
 */
export async function chat(args: string[]): Promise<number> {
  const flags = parseChatFlags(args);
  if (flags.help) {
    print(CHAT_HELP);
    return EXIT.ok;
  }
  if (flags.pin === '') throw new UsageError('chat: "--pin" expected a PIN, got ""');
  if (flags.bind !== undefined && !/^[0-9a-fA-F.:]+$/.test(flags.bind)) throw new UsageError(`chat: "--bind" expected an IP address, got "${flags.bind}"`);
  if (flags.invite && flags.accept !== undefined) throw new UsageError('chat: "--invite" and "--accept" exclude each other');
  const ice = iceFromFlags(flags.ice, flags['relay-only']);
  const inviteMs = seconds('wait', flags.wait, 600);
  const connectMs = seconds('connect-timeout', flags['connect-timeout'], 30);
  const gatherMs = seconds('gather-timeout', flags['gather-timeout'], 10);
  const autoAcceptBytes = parseSize('auto-accept', flags['auto-accept'], AUTO_ACCEPT_BYTES);
  const json = flags.json === true;
  const home = resolveHome(flags.home);
  await ready();
  // A damaged contacts file is said before the security key is touched (key continuity depends on it).
  const contacts = new FileContactStore(home);
  await contacts.check();
  const { identity, bundle, name } = await unlock(flags, home, json);
  const outbox = new FileOutbox(home, await StorageKey.derive(identity, CLI_STORAGE_LABELS));

  // On a terminal, running transfers share one progress line under the conversation.
  const running = new Map<string, Extract<ChatEvent, { type: 'progress' }>>();
  const emit = (e: ChatEvent): void => {
    if (json) { printJson(e); return; }
    if (e.type === 'progress') {
      if (e.state === 'running' || e.state === 'verifying' || e.state === 'offered') running.set(e.id, e);
      else running.delete(e.id);
      printStatus([...running.values()].map(progressText).join('  ·  '));
    }
    const text = render(e, flags['invert-qr'] === true);
    if (text !== undefined) print(text);
  };
  const filesDir = flags.files ?? join(home, 'received');
  const controller = new ChatController({
    identity, bundle, displayName: name, ice, bindAddress: flags.bind, filesDir,
    inviteMs, connectMs, gatherMs, contacts, outbox, files: new NodeFileStore(filesDir, home), autoAcceptBytes, emit,
  });
  emit({ type: 'ready', name, did: identity.did });
  await controller.start();

  return new Promise<number>((resolve) => {
    const rl = createInterface({ input: process.stdin, terminal: false });
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      controller.quit();
      identity.destroy();
      rl.close();
      process.off('SIGINT', finish);
      process.stdin.destroy();
      // libdatachannel's threads hold the event loop open; give the close frames a moment to leave.
      setTimeout(() => {
        import('node-datachannel').then((m) => m.default.cleanup()).catch(() => undefined).finally(() => resolve(EXIT.ok));
      }, 100);
    };
    process.once('SIGINT', finish);
    // Lines are handled one at a time, in order; /quit is handled at once.
    let chain = Promise.resolve();
    const handle = async (line: string): Promise<void> => {
      const [word, ...rest] = line.trim().split(/\s+/);
      const arg = line.trim().slice(word.length).trim();
      if (!json && controller.awaitingSasAnswer && !word.startsWith('/')) {
        // The y/N answer to "Do they match?": anything but yes means no (the safe default).
        return /^(y|yes)$/i.test(line.trim()) ? controller.verify() : controller.reject();
      }
      switch (word) {
        case '': return;
        case '/invite': return controller.invite();
        case '/accept': return controller.accept(arg);
        case '/verify': return controller.verify();
        case '/reject': return controller.reject();
        case '/file': return arg ? controller.sendFile(arg) : emit({ type: 'error', code: 'usage', message: '/file expected a path' });
        case '/accept-file': return controller.acceptFile(arg);
        case '/decline-file': return controller.declineFile(arg);
        case '/cancel-file': return controller.cancelFile(arg);
        case '/help': if (!json) print(COMMANDS_HELP); return;
        default:
          if (word.startsWith('/') && !word.startsWith('//')) return emit({ type: 'error', code: 'usage', message: `unknown command ${word}: ${COMMANDS_HELP}` });
          // Not connected: a pasted line is an invite (or the answer to ours); connected: a message.
          if (controller.phase === 'idle' || controller.phase === 'inviting') {
            if (rest.length === 0 && /^[A-Za-z0-9_-]{20,}$/.test(word)) return controller.accept(word);
          }
          return controller.send(word.startsWith('//') ? line.trim().slice(1) : line);
      }
    };
    rl.on('line', (line) => {
      if (line.trim() === '/quit') { finish(); return; }
      // At once, not behind a line still waiting (an answer pasted, the connection being made).
      if (line.trim() === '/cancel') { controller.cancel().catch((e) => emit({ type: 'error', code: 'unexpected', message: String(e) })); return; }
      chain = chain.then(() => handle(line)).catch((e) => emit({ type: 'error', code: 'unexpected', message: String(e) }));
    });
    rl.on('close', () => { chain.finally(finish); });
    if (flags.invite) chain = chain.then(() => controller.invite());
    if (flags.accept !== undefined) chain = chain.then(() => controller.accept(flags.accept!));
  });
}
