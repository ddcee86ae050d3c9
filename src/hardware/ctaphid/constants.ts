// CTAPHID constants — CTAP 2.1 §11.2 "USB Human Interface Device (USB HID)": report size (§11.2.4),
// channel IDs (§11.2.3), commands (§11.2.9), KEEPALIVE status (§11.2.9.1.7) and INIT capabilities
// (§11.2.9.1.3). Names, values and order as in the spec.

/** HID report size in bytes for FIDO devices (§11.2.4; the report descriptor's 64-byte in/out reports). */
export const REPORT_SIZE = 64;
/** Payload bytes in an initialization packet: 64 − CID(4) − CMD(1) − BCNT(2). */
export const INIT_DATA_SIZE = REPORT_SIZE - 7;
/** Payload bytes in a continuation packet: 64 − CID(4) − SEQ(1). */
export const CONT_DATA_SIZE = REPORT_SIZE - 5;
/** Highest continuation sequence number (§11.2.4: SEQ 0x00..0x7F). */
export const MAX_SEQ = 0x7f;
/** §11.2.4: "(64 - 7) + 128 * (64 - 5) = 7609 bytes" for 64-byte reports. */
export const MAX_MESSAGE_SIZE = INIT_DATA_SIZE + (MAX_SEQ + 1) * CONT_DATA_SIZE;
/** §11.2.3: "The channel identifier 0xffffffff is reserved for broadcast" (CTAPHID_INIT only). */
export const BROADCAST_CID = 0xffffffff;
/** FIDO Alliance HID usage page and CTAPHID usage (§11.2.8.1). */
export const FIDO_USAGE_PAGE = 0xf1d0;
export const FIDO_USAGE_CTAPHID = 0x01;
/** CTAPHID protocol version reported by CTAPHID_INIT (§11.2.9.1.3). */
export const CTAPHID_PROTOCOL_VERSION = 2;

/** CTAPHID commands (§11.2.9; bit 7 is set on the wire in the init packet's CMD byte). */
export enum CtapHidCommand {
  PING = 0x01,
  MSG = 0x03,
  LOCK = 0x04,
  INIT = 0x06,
  WINK = 0x08,
  CBOR = 0x10,
  CANCEL = 0x11,
  KEEPALIVE = 0x3b,
  ERROR = 0x3f,
}

/** CTAPHID_KEEPALIVE status byte (§11.2.9.1.7). */
export enum KeepaliveStatus {
  PROCESSING = 1,
  UPNEEDED = 2,
}

/** CTAPHID_INIT capability flags (§11.2.9.1.3). */
export enum CtapHidCapability {
  WINK = 0x01,
  LOCK = 0x02,
  CBOR = 0x04,
  NMSG = 0x08,
}
