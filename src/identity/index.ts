// keyprint/identity — identities bound to hardware: did:key, identity bundles, hardware binding
// proofs, attestation verification, key wrapping and key stores.

// --- attestation and X.509 (attestation work) ---

// --- did:key, bundles, binding, wrapping, stores, identity certificate (identity work) ---
