/**
 * Finding where an Ogg logical stream begins in a run of whole Ogg pages: the first page whose
 * header has the beginning-of-stream flag. (An Ogg stream can only be joined there: its header
 * pages tell a decoder what follows.) @internal
 */

/** Offset of the first page with the BOS flag, or -1. `bytes` must start at a page boundary. */
export function firstOggBos(bytes: Uint8Array): number {
  return oggBosOffsets(bytes, 1)[0] ?? -1;
}

/** Offsets of the pages with the BOS flag (at most `limit`). `bytes` must start at a page boundary. */
export function oggBosOffsets(bytes: Uint8Array, limit = Infinity): number[] {
  const found: number[] = [];
  let at = 0;
  // Page header: "OggS", version, flags (0x02: BOS), granule (8), serial (4), sequence (4),
  // CRC (4), segment count, then the segment table whose sum is the body's size.
  while (at + 27 <= bytes.byteLength) {
    if (bytes[at] !== 0x4f || bytes[at + 1] !== 0x67 || bytes[at + 2] !== 0x67 || bytes[at + 3] !== 0x53) break;
    if ((bytes[at + 5]! & 0x02) !== 0) {
      found.push(at);
      if (found.length >= limit) break;
    }
    const segments = bytes[at + 26]!;
    if (at + 27 + segments > bytes.byteLength) break;
    let body = 0;
    for (let i = 0; i < segments; i++) body += bytes[at + 27 + i]!;
    at += 27 + segments + body;
  }
  return found;
}
