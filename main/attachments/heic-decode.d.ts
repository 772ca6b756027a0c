/**
 * The part of heic-decode (which ships no types) that main uses: `all` parses the file and gives
 * each top-level image's size, after its rotation and mirroring, before any pixel is decoded.
 */
declare module 'heic-decode' {
  interface DecodedHeic {
    readonly width: number;
    readonly height: number;
    /** RGBA, 4 bytes a pixel, rows top to bottom, turned as the file's irot/imir say. */
    readonly data: Uint8ClampedArray;
  }
  interface HeicImage {
    readonly width: number;
    readonly height: number;
    decode(): Promise<DecodedHeic>;
  }
  interface HeicDecode {
    all(input: { buffer: Uint8Array }): Promise<HeicImage[] & { dispose(): void }>;
  }
  const decode: HeicDecode;
  export default decode;
}
