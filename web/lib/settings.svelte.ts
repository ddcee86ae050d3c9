// User settings kept in this browser: the ICE servers (STUN/TURN) used to cross NATs and the
// relay-only switch. Default: none — LAN and direct connections only; nothing is contacted.
export class SettingsState {
  /** The RTCPeerConnection configuration every new connection uses. */
  rtcConfiguration(): RTCConfiguration {
    return { iceServers: [] };
  }
}
