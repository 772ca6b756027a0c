/**
 * Worker thread for one HEIC decode (heic-decoder.ts starts it). libheif and libde265, compiled
 * to WebAssembly, decode synchronously: a 12-megapixel photo takes a second or more, so not on
 * main's event loop. The file is parsed first and its size, as shown, checked against the bounds
 * before a pixel is decoded; then the pixels go back to main, transferred, and the thread exits,
 * so the decoder's heap (hundreds of megabytes for a large photo) goes back to the OS.
 */
import { parentPort } from 'node:worker_threads';
import decode from 'heic-decode';

export interface HeicRequest {
  /** The file; transferred, so this thread holds the only copy. */
  readonly bytes: Uint8Array;
  readonly maxPixels: number;
  readonly maxSide: number;
}

export type HeicResponse =
  | { readonly ok: true; readonly width: number; readonly height: number; readonly rgba: ArrayBuffer }
  | { readonly ok: false; readonly error: 'HEIC_TOO_LARGE' | 'HEIC_UNREADABLE' };

const port = parentPort;
if (port === null) throw new Error('heic-worker runs only as a worker thread');

// libheif-js reports a file it cannot parse with console.log. Its messages name boxes and
// offsets, not content, but main's log is no place for a decoder's chatter about a patient's file.
const quiet = () => undefined;
console.log = quiet;
console.warn = quiet;
console.error = quiet;

// `once`: the port stops holding the thread open after one request, so it exits by itself.
port.once('message', (request: HeicRequest) => {
  void run(request).then((response) => {
    if (response.ok) port.postMessage(response, [response.rgba]);
    else port.postMessage(response);
  });
});

async function run({ bytes, maxPixels, maxSide }: HeicRequest): Promise<HeicResponse> {
  let images: Awaited<ReturnType<typeof decode.all>> | undefined;
  try {
    images = await decode.all({ buffer: bytes });
    // The first top-level image, as heic-decode and the camera apps that write one image take it.
    const image = images[0];
    if (image === undefined) return { ok: false, error: 'HEIC_UNREADABLE' };
    const { width, height } = image;
    if (!(width >= 1 && height >= 1 && width <= maxSide && height <= maxSide && width * height <= maxPixels))
      return { ok: false, error: 'HEIC_TOO_LARGE' };
    const pixels = await image.decode();
    const rgba = pixels.data.buffer;
    if (pixels.width !== width || pixels.height !== height || rgba.byteLength !== width * height * 4)
      return { ok: false, error: 'HEIC_UNREADABLE' };
    return { ok: true, width, height, rgba: rgba as ArrayBuffer };
  } catch {
    return { ok: false, error: 'HEIC_UNREADABLE' };
  } finally {
    bytes.fill(0);
    try {
      images?.dispose();
    } catch {
      // The thread exits next, and its whole heap with it.
    }
  }
}
