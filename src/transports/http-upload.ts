/**
 * Puts a file's bytes at a slot's address with one HTTP `PUT` (as XEP-0363 does), reporting progress.
 * `XMLHttpRequest`, not `fetch`: only it reports upload progress in every supported browser. Rejects with
 * the status when the server refuses (the core shows the message as failed; a retry asks for the slot again).
 *
 * @example
 * ```ts
 * await httpUpload(slot.put, file, (fraction) => bar.value = fraction, controller.signal);
 * ```
 */
export function httpUpload(put: string, file: Blob, progress: (fraction: number) => void, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('PUT', put);
    request.upload.onprogress = (event) => event.lengthComputable && progress(event.loaded / event.total);
    request.onload = () => (request.status < 300 ? resolve() : reject(new Error(`HTTP ${request.status}`)));
    request.onerror = request.onabort = () => reject(new Error('network error'));
    signal.onabort = () => request.abort();
    request.send(file);
  });
}
