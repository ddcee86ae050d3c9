// keyprint/hardware — FIDO2 security keys over USB HID (and UDP): CTAPHID framing, CTAP2 commands,
// PIN/UV auth protocols, hmac-secret, and a software authenticator for tests and demos.
