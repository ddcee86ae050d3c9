// Shared by the group tests: ciphersuite 0x0001 on keyprint's provider and on ts-mls's default
// provider (WebCrypto), and the suite-1 entries of the MLS interoperability vectors.
import { defaultCryptoProvider, getCiphersuiteFromName, getCiphersuiteImpl, type CiphersuiteImpl, type Credential } from 'ts-mls';
import { KEYPRINT_MLS_SUITE, keyprintCryptoProvider } from '../../src/group/index.js';
import { utf8, vectorJson } from '../_util.js';

export const SUITE = getCiphersuiteFromName(KEYPRINT_MLS_SUITE);
export const keyprintImpl = (): Promise<CiphersuiteImpl> => getCiphersuiteImpl(SUITE, keyprintCryptoProvider);
export const defaultImpl = (): Promise<CiphersuiteImpl> => getCiphersuiteImpl(SUITE, defaultCryptoProvider);

/** [name, impl] for `describe.each`: every vector runs on keyprint's provider and on the reference. */
export const PROVIDERS: Array<[string, () => Promise<CiphersuiteImpl>]> = [['keyprint', keyprintImpl], ['ts-mls default', defaultImpl]];

/** The entries of test/vectors/mls/FILE.json for cipher_suite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519). */
export function suite1<T = any>(file: string): T[] {
  return vectorJson<Array<T & { cipher_suite: number }>>(`mls/${file}.json`).filter((v) => v.cipher_suite === 1);
}

/** A basic credential (RFC 9420 §5.3) naming `name`. */
export const basic = (name: string): Credential => ({ credentialType: 'basic', identity: utf8(name) });
