// keyprint/session — the session protocol: committed key agreement, SAS, end-to-end encrypted chat.
export { CANCEL_CODES, SessionError, VersionError, isCancelCode } from './errors.js';
export type { CancelCode } from './errors.js';
export {
  PROTOCOL_VERSION, isOlderVersion, SUITE_XWING_AES256GCM, KEM_PUBLIC_KEY_BYTES, KEM_CIPHERTEXT_BYTES, MAX_MESSAGE_BYTES, PAD_BUCKETS, CHUNK_SIZES,
  encodeMessage, decodeMessage,
} from './messages.js';
export type { SessionMessage, CommitMessage, HelloMessage, AuthMessage, MacMessage, CancelMessage, DataMessage } from './messages.js';
export { commitmentOf, transcriptHash, deriveSessionKeys, authInput, confirmationMac, verifyConfirmationMac } from './key-schedule.js';
export type { Role, SessionKeys } from './key-schedule.js';
export { MAX_TEXT_BYTES, MAX_FILE_BYTES, MESSAGE_ID_BYTES, FILE_CANCEL_REASONS, encodePayload, decodePayload } from './ratchet.js';
export type { Payload, FilePayload, FileCancelReason } from './ratchet.js';
export { MemoryFileStore, memorySource } from './file-store.js';
export type { FileContent, FileSource, FileSink, FileStore, IncomingRecord } from './file-store.js';
export { Transfers, chunkBytesFor, WINDOW_BYTES, MIN_WINDOW_BYTES, ACK_BYTES, MAX_UNACKED_BYTES } from './transfer.js';
export type { TransferView, TransferState, TransferEndReason, TransferEvent, IncomingOffer } from './transfer.js';
export { SessionMachine, newMessageId, dtlsFingerprintOf } from './machine.js';
export type { SessionMachineOptions, SessionState, SessionEvent, Step, PeerInfo, SessionTimeouts } from './machine.js';
export { MAX_SEEN_IDS, MemoryContactStore, MemoryOutbox, verificationOf } from './contacts.js';
export type { Contact, ContactStore, Outbox, OutboxEntry, DeliveryStatus, VerificationMethod, VerificationState } from './contacts.js';
export { memoryPipe, dataChannelTransport } from './transport.js';
export type { Transport, DataChannelLike } from './transport.js';
export { Session } from './session.js';
export type { SessionOptions, SessionDriverEvent } from './session.js';
export {
  Conversation, ConversationError, AUTO_ACCEPT_BYTES, checkReceipt, endedText, judgePeer, sasCodes, transferText,
} from './conversation.js';
export type {
  ChannelOptions, ConversationEvent, PresentedIdentity, ConversationOptions, ConversationPhase, KnownContact, OutgoingMessage, PeerView, ReceiptCheck, SasCodes, TrustWarning,
} from './conversation.js';
export { createReceipt, encodeReceipt, decodeReceipt, verifyReceipt, receiptChallenge, RECEIPT_VERSION } from './receipt.js';
export type { Receipt, ReceiptAssertion, ReceiptResult } from './receipt.js';
export {
  compactFromSdp, sdpFromCompact, encodeSignal, decodeSignal, encodeBinary as encodeSignalBinary, decodeBinary as decodeSignalBinary,
  dtlsFingerprintFromSdp, readSignal, SIGNAL_VERSION, MAX_SIGNAL_CANDIDATES,
} from './signaling.js';
export type { CompactDescription, HostCandidate, CandidateType, SetupRole, SignalKind } from './signaling.js';
export { PeerLink, LinkError } from './peer-link.js';
export type { PeerConnectionLike, PeerLinkOptions, LinkFailure } from './peer-link.js';
export {
  IceConfigError, parseIceUrl, parseIceServer, checkIceServer, checkIceConfig, browserIceConfiguration, libdatachannelIceConfiguration,
  MAX_ICE_SERVERS,
} from './ice.js';
export type { IceConfig, IceServerConfig, IceUrl, BrowserIceConfiguration, LibdatachannelIceServer } from './ice.js';
export { nameKey, sameName } from './names.js';
export { displayText } from './display-text.js';
export type { DisplayTextOptions } from './display-text.js';
export { planContactsImport } from './contacts-import.js';
export type { ImportItem, ImportOutcome, ImportPlan } from './contacts-import.js';
export { safeFileName } from './file-name.js';

// At-rest records (outbox, history) sealed under the identity's storage key: what both apps store.
export { StorageKey, WEB_STORAGE_LABELS, CLI_STORAGE_LABELS } from './storage-key.js';
export type { Sealed, StorageKeyLabels } from './storage-key.js';
export { StorageError, encodeRecord, decodeRecord, fields, encodeOutboxContent, decodeOutboxContent } from './outbox-record.js';
export type { OutboxHeader } from './outbox-record.js';
