/**
 * Puts a file's bytes at a slot's address with one HTTP `PUT` (as XEP-0363 does), reporting progress. A
 * refusal for good (the bytes are not what they claim, too long…) rejects with `refused: true`.
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
    // 4xx but a timeout or a rate limit: these bytes will never be taken, however often they are sent.
    const final = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;
    request.onload = () => (request.status < 300 ? resolve() : reject(Object.assign(new Error(`HTTP ${request.status}`), { refused: final(request.status) })));
    request.onerror = request.onabort = () => reject(new Error('network error'));
    signal.onabort = () => request.abort();
    request.send(file);
  });
}
