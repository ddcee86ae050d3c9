// The secret-dependent operations the constant-time harness times, each with its two classes of
// secret input (dudect: "fix-vs-random", Reparaz et al. 2017 §2.1). Class 0 is one fixed secret,
// class 1 a fresh uniform secret per call; every public input is the same in both classes, so a
// difference in timing can only come from the secret.
//
// WASM targets call the core's exports directly on inputs already laid out in linear memory (no
// argument checks, copies or wiping inside the timed loop): the timed code is the core's alone.

import { createHash, randomFillSync, randomInt } from 'node:crypto';
import { core, frame, view } from '../../src/core/_wasm.js';
import {
  p256PublicKey, x25519PublicKey, mlKem768Keypair, mlKem768Encapsulate, xwingEncapsulate, xwingKeypair,
} from '../../src/core/index.js';
import { unwrapSecret, wrapSecret } from '../../src/identity/wrap.js';

/**
 * One operation prepared for timing. The harness draws the secrets of a whole chunk of
 * measurements first (`secret`, untimed), then per measurement copies them in (`load`, untimed,
 * the same work for both classes) and times `run`. Drawing random bytes right before a timed call
 * pollutes caches and predictors for one class only; doing it in bulk keeps the classes alike.
 */
export interface Prepared {
  /** Bytes of secret input per call. */
  secretLength: number;
  /** Writes a class-`cls` secret into `out` (fixed value, or fresh random). */
  secret(cls: 0 | 1, out: Uint8Array): void;
  /** Lays out the secret of call `slot` (0 ≤ slot < batch). */
  load(slot: number, secret: Uint8Array): void;
  /** Performs calls 0 … k−1. */
  run(k: number): void | Promise<void>;
}

export interface Target {
  op: string;
  /** What the fixed class is, and why (printed in the report and docs/SECURITY.md). */
  fixed: string;
  /** `core`: the WASM core; `platform`: WebCrypto; `control`: harness sanity checks. */
  kind: 'core' | 'platform' | 'control';
  /** For controls: whether the harness must flag it (positive) or not (negative). */
  expectLeak?: boolean;
  prepare(maxBatch: number): Promise<Prepared> | Prepared;
}

type Fn = (...args: number[]) => number | void;
const fn = (name: string): Fn => core()[name] as Fn;

/**
 * Reserves `maxBatch` slots of `stride` bytes in the I/O area and returns slot addresses. Public
 * inputs are written to every slot once; `secret` (offset, length) is rewritten per call.
 */
function slots(maxBatch: number, stride: number): { at: (slot: number) => number; mem: () => Uint8Array } {
  frame(maxBatch * stride);
  const base = core().ioBase();
  return { at: (slot) => base + slot * stride, mem: view };
}

/** A WASM target whose secret is `secretLength` bytes at offset 0 of each slot. */
function wasmTarget(params: {
  stride: number;
  secretLength: number;
  fixedSecret: Uint8Array;
  /** Writes the public inputs of one slot. */
  publicInputs?: (mem: Uint8Array, slot: number) => void;
  /** Fills a class-1 secret in place (default: uniform random bytes). */
  randomSecret?: (out: Uint8Array) => void;
  call: (f: Fn, slot: number) => void;
  exportName: string;
}): (maxBatch: number) => Prepared {
  return (maxBatch) => {
    const { at, mem } = slots(maxBatch, params.stride);
    for (let s = 0; s < maxBatch; s++) params.publicInputs?.(mem(), at(s));
    const f = fn(params.exportName);
    const random = params.randomSecret ?? ((out: Uint8Array) => randomFillSync(out));
    return {
      secretLength: params.secretLength,
      secret(cls, out) {
        if (cls === 0) out.set(params.fixedSecret);
        else random(out);
      },
      load(slot, secret) {
        mem().set(secret, at(slot));
      },
      run(k) {
        for (let s = 0; s < k; s++) params.call(f, at(s));
      },
    };
  };
}

const zeros = (n: number) => new Uint8Array(n);
const fill = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (seed + 31 * i) & 0xff);

/** A valid P-256 scalar 1 ≤ d < n: random bytes with the top byte below 0xff (n = 0xffffffff00…). */
function p256Scalar(out: Uint8Array): void {
  do randomFillSync(out); while (out[0] === 0xff || out.every((b) => b === 0));
}
const P256_ONE = Uint8Array.from({ length: 32 }, (_, i) => (i === 31 ? 1 : 0));

/**
 * The public work of ML-KEM key generation for a 64-byte seed d ‖ z: SampleNTT (FIPS 203
 * Algorithm 7) over ρ = G(d ‖ 3)[0:32] is variable-time by design — ρ is public — and depends on
 * the seed through the number of SHAKE128 blocks each matrix entry draws (the core parses every
 * block to its end: assembly/mlkem/poly.ts sampleNtt) and, within the last block, on where the
 * polynomial fills (the remaining candidates go to a spare slot). Returns the nine block counts
 * and the total number of 3-byte steps taken until each polynomial was full.
 */
function matrixWork(seed: Uint8Array): string {
  const rho = createHash('sha3-512').update(seed.subarray(0, 32)).update(Uint8Array.of(3)).digest().subarray(0, 32);
  const blocks: number[] = [];
  let steps = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) {
    const stream = createHash('shake128', { outputLength: 8 * 168 }).update(rho).update(Uint8Array.of(j, i)).digest();
    let n = 0, at = 0;
    while (n < 256) {
      if (at >= stream.length) return 'more than 8 blocks'; // never seen; such a seed just does not match
      const b0 = stream[at], b1 = stream[at + 1], b2 = stream[at + 2];
      if ((b0 | ((b1 & 15) << 8)) < 3329) n++;
      if ((((b1 >> 4) | (b2 << 4)) < 3329) && n < 256) n++;
      at += 3;
    }
    blocks.push(Math.ceil(at / 168));
    steps += at / 3;
  }
  return `${blocks.join(',')}|${steps}`;
}

/** `count` random seeds whose public matrix sampling does the same work as `fixed`'s. */
function seedsMatching(fixed: Uint8Array, count: number): Uint8Array[] {
  const want = matrixWork(fixed), pool: Uint8Array[] = [];
  while (pool.length < count) {
    const seed = randomFillSync(new Uint8Array(64));
    if (matrixWork(seed) === want) pool.push(seed);
  }
  return pool;
}

// Peer public keys: fixed, valid, the same for both classes.
const x25519Peer = () => x25519PublicKey(fill(32, 7));
const p256Peer = () => p256PublicKey(fill(32, 9), { compressed: false });

export const TARGETS: Target[] = [
  {
    op: 'x25519',
    kind: 'core',
    fixed: 'all-zero scalar (clamps to 2^254: one set bit), the extreme of any bit-dependent ladder step',
    prepare: (b) => {
      const peer = x25519Peer();
      // slot: scalar 32 | u 32 | out 32
      return wasmTarget({
        stride: 96, secretLength: 32, fixedSecret: zeros(32), exportName: 'x25519Scalarmult',
        publicInputs: (mem, p) => mem.set(peer, p + 32),
        call: (f, p) => f(p + 64, p, p + 32),
      })(b);
    },
  },
  {
    op: 'x25519-base',
    kind: 'core',
    fixed: 'all-zero scalar (clamps to 2^254); exercises the fixed-base path',
    prepare: wasmTarget({
      stride: 64, secretLength: 32, fixedSecret: zeros(32), exportName: 'x25519ScalarmultBase',
      call: (f, p) => f(p + 32, p),
    }),
  },
  {
    op: 'ed25519-sign',
    kind: 'core',
    fixed: 'all-zero seed (fixed scalar and nonce) vs random seeds; message fixed (32 bytes)',
    // slot: seed 32 | message 32 | signature 64
    prepare: wasmTarget({
      stride: 128, secretLength: 32, fixedSecret: zeros(32), exportName: 'ed25519SignDetached',
      publicInputs: (mem, p) => mem.set(fill(32, 1), p + 32),
      call: (f, p) => f(p + 64, p + 32, 32, p),
    }),
  },
  {
    op: 'p256-ecdh',
    kind: 'core',
    fixed: 'd = 1 (smallest valid scalar: all bits zero but one) vs random 1 ≤ d < n; peer point fixed',
    prepare: (b) => {
      const peer = p256Peer();
      // slot: d 32 | Q 65 (+15) | out 32
      return wasmTarget({
        stride: 160, secretLength: 32, fixedSecret: P256_ONE, randomSecret: p256Scalar, exportName: 'p256Ecdh',
        publicInputs: (mem, p) => mem.set(peer, p + 32),
        call: (f, p) => f(p + 112, p, p + 32, 65),
      })(b);
    },
  },
  {
    op: 'p256-sign',
    kind: 'core',
    fixed: 'd = 1 (fixed RFC 6979 nonce too) vs random d; message hash fixed',
    // slot: d 32 | z 32 | out 64
    prepare: wasmTarget({
      stride: 128, secretLength: 32, fixedSecret: P256_ONE, randomSecret: p256Scalar, exportName: 'p256Sign',
      publicInputs: (mem, p) => mem.set(fill(32, 3), p + 32),
      call: (f, p) => f(p + 64, p, p + 32),
    }),
  },
  {
    op: 'hmac-sha256',
    kind: 'core',
    fixed: 'all-zero 32-byte key vs random keys; data fixed (64 bytes)',
    // slot: key 32 | data 64 | out 32
    prepare: wasmTarget({
      stride: 128, secretLength: 32, fixedSecret: zeros(32), exportName: 'hmacSha256',
      publicInputs: (mem, p) => mem.set(fill(64, 5), p + 32),
      call: (f, p) => f(p, 32, p + 32, 64, p + 96),
    }),
  },
  {
    op: 'hmac-sha256-verify',
    kind: 'core',
    fixed: 'the correct tag (all 32 bytes compared) vs random tags (differ at byte 0): the classic memcmp test',
    prepare: (b) => {
      // slot: tag 32 | key 32 | data 64 ; key and data fixed, so the correct tag is fixed too
      const key = fill(32, 11), data = fill(64, 13);
      const { at, mem } = slots(b, 128);
      const f = fn('hmacSha256');
      mem().set(key, at(0) + 32);
      mem().set(data, at(0) + 64);
      f(at(0) + 32, 32, at(0) + 64, 64, at(0));
      const correct = mem().slice(at(0), at(0) + 32);
      return wasmTarget({
        stride: 128, secretLength: 32, fixedSecret: correct, exportName: 'hmacSha256Verify',
        publicInputs: (m, p) => { m.set(key, p + 32); m.set(data, p + 64); },
        call: (v, p) => v(p + 32, 32, p + 64, 64, p, 32),
      })(b);
    },
  },
  {
    op: 'hkdf-sha256',
    kind: 'core',
    fixed: 'all-zero 32-byte IKM vs random IKM; salt (32) and info (16) fixed; 32-byte output',
    // slot: ikm 32 | salt 32 | info 16 (+16) | out 32
    prepare: wasmTarget({
      stride: 128, secretLength: 32, fixedSecret: zeros(32), exportName: 'hkdfSha256',
      publicInputs: (mem, p) => { mem.set(fill(32, 17), p + 32); mem.set(fill(16, 19), p + 64); },
      call: (f, p) => f(p, 32, p + 32, 32, p + 64, 16, p + 96, 32),
    }),
  },
  {
    op: 'mlkem768-keygen',
    kind: 'core',
    fixed: 'all-zero seed d ‖ z vs random seeds drawn from a pool of 1,024 whose public matrix Â (SampleNTT over ρ, variable-time by design) draws as many SHAKE128 blocks per entry, and fills after as many sampling steps in all, as the fixed seed\'s',
    prepare: (b) => {
      const pool = seedsMatching(zeros(64), 1024);
      // slot: seed 64 | ek 1184 | dk 2400
      return wasmTarget({
        stride: 3648, secretLength: 64, fixedSecret: zeros(64), exportName: 'mlkem768KeypairDerand',
        randomSecret: (out) => out.set(pool[randomInt(pool.length)]),
        call: (f, p) => f(p + 64, p + 1248, p),
      })(b);
    },
  },
  {
    op: 'mlkem768-encaps',
    kind: 'core',
    fixed: 'all-zero message m vs random m; encapsulation key fixed',
    prepare: (b) => {
      const { publicKey } = mlKem768Keypair(fill(64, 31));
      // slot: m 32 | ek 1184 | ct 1088 | ss 32
      return wasmTarget({
        stride: 2336, secretLength: 32, fixedSecret: zeros(32), exportName: 'mlkem768EncapsulateDerand',
        publicInputs: (mem, p) => mem.set(publicKey, p + 32),
        call: (f, p) => f(p + 1216, p + 2304, p + 32, p),
      })(b);
    },
  },
  {
    op: 'mlkem768-decaps',
    kind: 'core',
    fixed: 'a valid ciphertext (re-encryption matches: K′ returned) vs random ciphertexts (implicit rejection: K̄ = J(z ‖ c) returned); decapsulation key fixed',
    prepare: (b) => {
      const { publicKey, secretKey } = mlKem768Keypair(fill(64, 37));
      const valid = mlKem768Encapsulate(publicKey, fill(32, 39)).ciphertext;
      // slot: c 1088 | dk 2400 | ss 32
      return wasmTarget({
        stride: 3520, secretLength: 1088, fixedSecret: valid, exportName: 'mlkem768Decapsulate',
        publicInputs: (mem, p) => mem.set(secretKey, p + 1088),
        call: (f, p) => f(p + 3488, p, p + 1088),
      })(b);
    },
  },
  {
    op: 'mlkem768-decaps-key',
    kind: 'core',
    fixed: 'the real dk_PKE ‖ z with a valid ciphertext (accepted) vs random dk_PKE ‖ z with the same ek, H(ek) and ciphertext (rejected); the secret key is what varies',
    prepare: (b) => {
      const { publicKey, secretKey } = mlKem768Keypair(fill(64, 43));
      const valid = mlKem768Encapsulate(publicKey, fill(32, 47)).ciphertext;
      // slot: dk 2400 (dk_PKE 1152 | ek 1184 | h 32 | z 32) | c 1088 | ss 32. The secret is
      // dk_PKE ‖ z (1184 bytes), written to its two places in the slot.
      const fixedSecret = new Uint8Array(1184);
      fixedSecret.set(secretKey.subarray(0, 1152));
      fixedSecret.set(secretKey.subarray(2368), 1152);
      const p = wasmTarget({
        stride: 3520, secretLength: 1184, fixedSecret, exportName: 'mlkem768Decapsulate',
        publicInputs: (mem, q) => { mem.set(secretKey.subarray(1152, 2368), q + 1152); mem.set(valid, q + 2400); },
        call: (f, q) => f(q + 3488, q + 2400, q),
      })(b);
      const at = (slot: number) => core().ioBase() + slot * 3520;
      return {
        ...p,
        load(slot, secret) {
          view().set(secret.subarray(0, 1152), at(slot));
          view().set(secret.subarray(1152), at(slot) + 2368);
        },
      };
    },
  },
  {
    op: 'xwing-decaps',
    kind: 'core',
    fixed: 'a valid ciphertext vs random ciphertexts (ML-KEM implicit rejection, random ct_X); expanded key fixed',
    prepare: (b) => {
      const seed = fill(32, 53);
      const { publicKey } = xwingKeypair(seed);
      const valid = xwingEncapsulate(publicKey, fill(64, 59)).ciphertext;
      frame(32 + 7072 + 1216);
      const base = core().ioBase();
      view().set(seed, base);
      fn('xwingExpand')(base + 32, base + 7104, base);
      const expanded = view().slice(base + 32, base + 7104);
      view().fill(0, base, base + 8320);
      // slot: ct 1120 | expanded 7072 (sk_M ‖ sk_X ‖ pk_X ‖ Â) | ss 32
      return wasmTarget({
        stride: 8224, secretLength: 1120, fixedSecret: valid, exportName: 'xwingDecapsulateExpanded',
        publicInputs: (mem, p) => mem.set(expanded, p + 1120),
        call: (f, p) => f(p + 8192, p, p + 1120),
      })(b);
    },
  },
  {
    op: 'key-unwrap',
    kind: 'platform',
    fixed: 'fixed PRF output and wrapped secret (256 copies of one envelope) vs 256 random PRF outputs and secrets; credential ID fixed',
    prepare: async () => {
      // unwrapSecret: HKDF (core) + WebCrypto AES-256-GCM decrypt. Every envelope is valid for its
      // key, so both classes take the success path; only the secrets differ.
      const credentialId = fill(16, 23);
      const make = async (prfOutput: Uint8Array, secret: Uint8Array) =>
        ({ prfOutput, envelope: await wrapSecret(secret, { prfOutput, credentialId, prfInput: fill(32, 5), userVerified: false }) });
      const fixed = await make(zeros(32), zeros(32));
      // Class 0 is 256 separate copies of the one fixed envelope, so both classes cycle through 256
      // distinct objects: with a single object, the fixed class alone stays in cache.
      const pools: [Array<typeof fixed>, Array<typeof fixed>] = [[], []];
      for (let i = 0; i < 256; i++) {
        pools[0].push({ prfOutput: fixed.prfOutput.slice(), envelope: fixed.envelope.slice() });
        pools[1].push(await make(randomFillSync(new Uint8Array(32)), randomFillSync(new Uint8Array(32))));
      }
      const batch: Array<typeof fixed> = [];
      return {
        // secret: [class, pool index]
        secretLength: 2,
        secret(cls, out) { out[0] = cls; randomFillSync(out.subarray(1)); },
        load(slot, secret) { batch[slot] = pools[secret[0] as 0 | 1][secret[1]]; },
        async run(k) {
          for (let s = 0; s < k; s++) await unwrapSecret(batch[s].envelope, { prfOutput: batch[s].prfOutput, credentialId });
        },
      };
    },
  },
  {
    op: 'control-early-exit',
    kind: 'control',
    expectLeak: true,
    fixed: 'positive control: a JS early-exit compare of 64 bytes; fixed = equal to the reference (full scan), random = random (exits at byte 0)',
    prepare: () => {
      const ref = fill(64, 29);
      const inputs: Uint8Array[] = [];
      let sink = 0;
      const leakyEqual = (a: Uint8Array, b: Uint8Array) => {
        for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
        return true;
      };
      return {
        secretLength: 64,
        secret(cls, out) {
          if (cls === 0) out.set(ref);
          else randomFillSync(out);
        },
        load(slot, secret) { (inputs[slot] ??= new Uint8Array(64)).set(secret); },
        run(k) { for (let s = 0; s < k; s++) if (leakyEqual(inputs[s], ref)) sink++; },
        get sink() { return sink; },
      } as Prepared;
    },
  },
  {
    op: 'control-same-class',
    kind: 'control',
    expectLeak: false,
    fixed: 'negative control: hmac-sha256 with random keys in both classes; must not be flagged (else the machine is too noisy to trust)',
    prepare: (b) => {
      const p = wasmTarget({
        stride: 128, secretLength: 32, fixedSecret: zeros(32), exportName: 'hmacSha256',
        publicInputs: (mem, q) => mem.set(fill(64, 5), q + 32),
        call: (f, q) => f(q, 32, q + 32, 64, q + 96),
      })(b);
      return { ...p, secret: (_cls, out) => p.secret(1, out) };
    },
  },
];
