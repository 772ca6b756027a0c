/**
 * A HEIC photo's pixels, decoded in a worker thread (heic-worker.ts) by libheif with libde265,
 * compiled to WebAssembly (heic-decode, on libheif-js). A hostile file is held three ways: its
 * size as shown is read from the header and checked before any pixel is decoded; the worker's
 * JavaScript heap is capped (resourceLimits), and the WebAssembly heap is capped by the build at
 * 2 GiB, well above what the pixel bound lets a real photo need; and a decode that runs past the
 * time limit has its worker terminated, which stops WebAssembly mid-loop. One decode at a time,
 * each in a fresh worker that exits afterwards, so two large photos never double the peak.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../../shared/node/workers/spawn-worker';
import { err, ok, type Result } from '../../shared/result';
import type { HeicRequest, HeicResponse } from './heic-worker';

export interface HeicLimits {
  /** Width × height as shown, checked before decoding. */
  readonly maxPixels: number;
  readonly maxSide: number;
  /** From the worker's start to its answer; past it the worker is terminated. */
  readonly timeoutMs: number;
}

export type HeicError = 'HEIC_UNREADABLE' | 'HEIC_TOO_LARGE' | 'HEIC_TIMEOUT';

export interface HeicPixels {
  readonly width: number;
  readonly height: number;
  /** RGBA, 4 bytes a pixel, upright: the file's rotation and mirroring are applied. */
  readonly rgba: Uint8Array;
}

/**
 * The worker's own JavaScript: the file and the pixels are ArrayBuffers and the decoder's memory
 * is WebAssembly's, neither counted here, so this stays small and catches only a runaway script.
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 };

let queue: Promise<unknown> = Promise.resolve();

/** Never throws: a file that is not a HEIC photo Wardline can decode is an error code. */
export function decodeHeic(bytes: Uint8Array, limits: HeicLimits): Promise<Result<HeicPixels, HeicError>> {
  // Copied when its turn comes: the caller holds its bytes until this settles.
  const run = queue.then(() => decodeInWorker(bytes.slice(), limits));
  queue = run.catch(() => undefined);
  return run;
}

/** Settles only once the worker has exited, so its memory is released before the next starts. */
function decodeInWorker(file: Uint8Array<ArrayBuffer>, limits: HeicLimits): Promise<Result<HeicPixels, HeicError>> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = spawnWorker('heic-worker', import.meta.url, undefined, WORKER_LIMITS);
    } catch {
      file.fill(0);
      resolve(err('HEIC_UNREADABLE'));
      return;
    }
    let response: HeicResponse | null = null;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void worker.terminate();
    }, limits.timeoutMs);
    worker.once('message', (message: HeicResponse) => {
      response = message;
    });
    // An 'error' (a throw, or the heap limit reached) is always followed by 'exit'.
    worker.on('error', () => undefined);
    worker.once('exit', () => {
      clearTimeout(timer);
      resolve(timedOut && response === null ? err('HEIC_TIMEOUT') : checked(response, limits));
    });
    try {
      const request: HeicRequest = { bytes: file, maxPixels: limits.maxPixels, maxSide: limits.maxSide };
      worker.postMessage(request, [file.buffer]);
    } catch {
      file.fill(0);
      void worker.terminate();
    }
  });
}

/** The worker's answer, believed only within the same bounds it was given. */
function checked(response: HeicResponse | null, limits: HeicLimits): Result<HeicPixels, HeicError> {
  if (response === null) return err('HEIC_UNREADABLE');
  if (!response.ok) return err(response.error);
  const { width, height, rgba } = response;
  const fits =
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width >= 1 &&
    height >= 1 &&
    width <= limits.maxSide &&
    height <= limits.maxSide &&
    width * height <= limits.maxPixels;
  if (!fits) return err('HEIC_TOO_LARGE');
  if (rgba.byteLength !== width * height * 4) return err('HEIC_UNREADABLE');
  return ok({ width, height, rgba: new Uint8Array(rgba) });
}
