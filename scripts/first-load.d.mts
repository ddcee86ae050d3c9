// Types for scripts/first-load.mjs (plain JS so that node runs it on a build directory without a build).
export interface FirstLoadRow { file: string; why: string; bytes: number; gzip: number; brotli: number }
export interface FirstLoad { rows: FirstLoadRow[]; bytes: number; gzip: number; brotli: number }
export const FIRST_LOAD_BUDGET: number;
export function gzip(bytes: Uint8Array): Buffer;
export function brotli(bytes: Uint8Array): Buffer;
export function firstLoad(dir: string): FirstLoad;
export function formatFirstLoad(load: FirstLoad, budget?: number): string;
