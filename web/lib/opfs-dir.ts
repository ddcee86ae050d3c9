// The Origin Private File System directory that holds files in transit (sent copies and partial
// received files): named once here for the worker, the page side and wipe, which must not load
// either of them (it runs before any file code is needed).
export const FILES_DIR = 'keyprint-files';
