/**
 * Finding where an Ogg logical stream begins in a run of whole Ogg pages: the first page whose
 * header has the beginning-of-stream flag. (An Ogg stream can only be joined there: its header
 * pages tell a decoder what follows.) @internal
 */

/** Offset of the first page with the BOS flag, or -1. `bytes` must start at a page boundary. */
export function firstOggBos(bytes: Uint8Array): number {
  let at = 0;
  // Page header: "OggS", version, flags (0x02: BOS), granule (8), serial (4), sequence (4),
  // CRC (4), segment count, then the segment table whose sum is the body's size.
  while (at + 27 <= bytes.byteLength) {
    if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) return -1;
    if ((bytes[at + 5]! & 0x02) !== 0) return at;
    const segments = bytes[at + 26]!;
    if (at + 27 + segments > bytes.byteLength) return -1;
    let body = 0;
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i]!;
    at += 27 + segments + body;
  }
  return -1;
}
