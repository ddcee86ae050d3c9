// Cards in the browser (keyprint/card, the browser-safe entry): making and printing my card, and
// checking someone else's — QR payload → verifyCardPayload → the person types the printed digits →
// verified → stored as a contact verified by card. Components render these fields and call these methods.
import {
  CLAIM_LABEL, checkCardPayload, claimText, createCard, groupDigits, payloadFromText, renderSvg, sniff, verifyCardPayload,
  type Card, type CardCheckName, type CardClaim, type CardVerification,
} from 'keyprint/card';
import { judgePeer, type PeerView, type TrustWarning } from 'keyprint/session';
import type { IdentityState } from './identity.svelte.js';
import type { ContactsState } from './contacts.svelte.js';
import { scanFile } from './qr-scan.js';

export type CardLayout = 'card' | 'a4';

/** My card, as SVG, for the page, the printer and a download. */
export class MyCardState {
  card = $state.raw<Card | null>(null);
  /** The SVG document (with its XML declaration), for download. */
  svg = $state<string | null>(null);
  layout = $state<CardLayout>('card');
  /** Set when the card needs the identity key (to sign the compact card's verdict) and it is locked. */
  needsUnlock = $state(false);
  error = $state<string | null>(null);
  busy = $state(false);
  #for: string | null = null;

  /** The SVG element's markup for the page (no XML declaration, which HTML would turn into a comment). */
  inline = $derived(this.svg?.replace(/^<\?xml[^>]*>\s*/, '') ?? null);
  digits = $derived(this.card ? groupDigits(this.card.digits) : null);

  /**
   * Makes the card for the identity, once per identity and layout (re-run when it unlocks).
   * A browser enrollment's full bundle cannot be verified from the card alone: its attestation
   * signs the registration clientDataJSON, which the bundle does not keep. So a browser identity
   * gets a compact card, whose attestation verdict the identity key signs (docs/THREAT-MODEL.md,
   * "Compact cards") — and that needs the key unlocked.
   */
  async refresh(identity: IdentityState): Promise<void> {
    const profile = identity.profile;
    if (!profile || !identity.bundle) {
      this.card = this.svg = null;
      this.#for = null;
      return;
    }
    const attested = !!identity.bundle.binding?.attestationObject;
    const key = identity.keyPair;
    const want = `${identity.did}|${this.layout}|${attested && key ? 'key' : 'nokey'}`;
    if (want === this.#for) return;
    this.#for = want;
    this.error = null;
    if (attested && !key) {
      this.card = this.svg = null;
      this.needsUnlock = true;
      return;
    }
    this.needsUnlock = false;
    this.busy = true;
    try {
      const card = await createCard(profile.bundleBytes, {
        ...(attested ? { identity: key!, form: 'compact' as const } : {}),
        ...(profile.keys?.length ? { registrationClientDataJSON: profile.keys[0].registrationClientDataJSON } : {}),
      });
      if (this.#for !== want) return; // superseded while it ran
      this.card = card;
      this.svg = renderSvg(card, { layout: this.layout });
    } catch (e) {
      this.card = this.svg = null;
      this.error = `Could not make your card: ${(e as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  /** A file name for the download: `keyprint-card-<name>.svg`. */
  get fileName(): string {
    const name = (this.card?.displayName ?? 'me').normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'me';
    return `keyprint-card-${name}${this.layout === 'a4' ? '-a4' : ''}.svg`;
  }
}

/** What each check means, for people. */
export const CHECK_LABEL: Record<CardCheckName, string> = {
  payload: 'Card readable',
  'bundle-signature': 'Signed by its identity key',
  expiry: 'Not expired',
  binding: 'Bound to a security key',
  attestation: 'Security key attestation',
  trust: 'Required trust level',
  'printed-text': 'Printed digits match the QR code',
};

/**
 * A compact card's own trust level and model, as the Card screen shows it: always with the words
 * that it is the holder's claim (docs/THREAT-MODEL.md, "Compact cards").
 */
export const claimLine = (c: CardClaim): string => `The card says: ${claimText(c)} — ${CLAIM_LABEL}.`;

export type CardCheckPhase = 'idle' | 'reading' | 'checked' | 'comparing' | 'done';

/** Checking someone's card. */
export class CardCheckState {
  phase = $state<CardCheckPhase>('idle');
  /** The checks without the printed text (what the QR code alone proves). */
  result = $state.raw<CardVerification | null>(null);
  /** The checks with the digits the person typed. */
  final = $state.raw<CardVerification | null>(null);
  error = $state<string | null>(null);
  /** Set when the verified identity was stored as a contact. */
  saved = $state(false);
  /** The card is this browser's own identity. */
  own = $state(false);
  /** The card's identity as the contacts see it (the same rules as a connection: keyprint/session judgePeer). */
  peer = $state.raw<PeerView | null>(null);
  warning = $state.raw<TrustWarning | null>(null);
  #payload: Uint8Array | null = null;

  readonly identity: IdentityState;
  readonly contacts: ContactsState;

  constructor(identity: IdentityState, contacts: ContactsState) {
    this.identity = identity;
    this.contacts = contacts;
  }

  reset(): void {
    this.phase = 'idle';
    this.result = this.final = null;
    this.error = null;
    this.saved = this.own = false;
    this.peer = this.warning = null;
    this.#payload = null;
  }

  async #run(read: () => Promise<Uint8Array>): Promise<void> {
    this.reset();
    this.phase = 'reading';
    try {
      const payload = await read();
      checkCardPayload(payload); // a QR code of something else is not a card that fails: say what it is
      const result = await verifyCardPayload(payload);
      this.#payload = payload;
      this.result = result;
      this.own = !!result.identity && result.identity.did === this.identity.did;
      if (result.identity) {
        const judged = judgePeer(await this.contacts.all(), result.identity, { via: 'card' });
        this.peer = judged.peer;
        this.warning = judged.warning ?? null;
      }
      this.phase = 'checked';
    } catch (e) {
      this.phase = 'idle';
      this.error = `${(e as Error).message}${(e as { code?: string }).code ? ` [${(e as { code?: string }).code}]` : ''}`;
    }
  }

  /** From the QR code's bytes (camera or a picture already decoded). */
  fromBytes(bytes: Uint8Array): Promise<void> {
    return this.#run(async () => bytes);
  }

  /** From the `kpcard1:` text. */
  fromText(text: string): Promise<void> {
    return this.#run(async () => payloadFromText(text));
  }

  /** From a picture of the card (PNG/JPEG/SVG), or a text file holding the `kpcard1:` text. */
  fromFile(file: Blob): Promise<void> {
    return this.#run(async () => {
      const head = new Uint8Array(await file.slice(0, 64).arrayBuffer());
      return head.length > 0 && sniff(head) === 'payload-text' ? payloadFromText(await file.text()) : scanFile(file);
    });
  }

  /**
   * Compares the digits the person typed from the printed card with the QR code's identity; when
   * every check passes, stores the identity as a contact verified by card.
   * @param digits the 30 printed digits (spaces and dashes ignored)
   */
  async compare(digits: string): Promise<void> {
    if (!this.#payload || !this.result?.identity) return;
    this.phase = 'comparing';
    this.error = null;
    try {
      const r = await verifyCardPayload(this.#payload, { digits });
      this.final = r;
      if (r.verified && r.printedTextCompared && r.identity && !this.own) {
        // A key already stored keeps the name the user knows it by.
        const stored = this.peer?.contact ? await this.contacts.get(this.peer.contact.contactId) : undefined;
        await this.contacts.put({
          contactId: r.identity.did, identityPublicKey: r.identity.identityPublicKey, displayName: stored?.displayName ?? r.identity.displayName,
          verifiedAt: Date.now(), verifiedBy: 'card',
        });
        this.saved = true;
      }
      this.phase = 'done';
    } catch (e) {
      this.phase = 'checked';
      this.error = (e as Error).message;
    }
  }
}
