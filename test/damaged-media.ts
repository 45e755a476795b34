/**
 * Damaged copies of the tests' generated media, as they arrive in real life: interrupted copies,
 * flipped bits, zeroed headers, lying size and duration fields, lost indexes, shuffled data.
 * Pure byte surgery driven by a seeded generator: the same seed and sources give the same files.
 */

export type Container = "mp4" | "mov" | "mkv" | "webm" | "avi";

/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));

export type Damage = { kind: string; detail: string; apply: (source: Buffer, random: Random) => Buffer };

/** A damage that edits a copy of the source in place (the source itself stays intact for the next case). */
const onCopy =
  (edit: (copy: Buffer, random: Random, source: Buffer) => void): Damage["apply"] =>
  (b, r) => {
    const out = Buffer.from(b);
    edit(out, r, b);
    return out;
  };

// ---- damage every container can suffer --------------------------------------------------------

const truncate: Damage = {
  kind: "truncated",
  detail: "cut at a random point",
  apply: (b, r) => b.subarray(0, int(r, Math.floor(b.length * 0.05), Math.floor(b.length * 0.95))),
};

const flipBytes: Damage = {
  kind: "bytes flipped",
  detail: "1–64 random bytes anywhere",
  apply: onCopy((out, r) => {
    for (let n = int(r, 1, 64); n > 0; n--) out[int(r, 0, out.length - 1)] ^= int(r, 1, 255);
  }),
};

const flipHeader: Damage = {
  kind: "header bytes flipped",
  detail: "1–16 random bytes in the first 4 KiB",
  apply: onCopy((out, r) => {
    for (let n = int(r, 1, 16); n > 0; n--) out[int(r, 0, Math.min(4095, out.length - 1))] ^= int(r, 1, 255);
  }),
};

const zeroHeader: Damage = {
  kind: "header zeroed",
  detail: "the first 4–4096 bytes set to 0",
  apply: (b, r) => Buffer.from(b).fill(0, 0, int(r, 4, 4096)),
};

const zeroBlock: Damage = {
  kind: "block zeroed",
  detail: "1–64 KiB zeroed in the middle",
  apply: (b, r) => {
    const length = Math.min(int(r, 1024, 64 * 1024), Math.floor(b.length / 4));
    const at = int(r, Math.floor(b.length / 8), b.length - length - 1);
    return Buffer.from(b).fill(0, at, at + length);
  },
};

const swapBlocks: Damage = {
  kind: "interleaving broken",
  detail: "two 4–32 KiB blocks of the data swapped",
  apply: (b, r) => {
    const length = Math.min(int(r, 4096, 32 * 1024), Math.floor(b.length / 8));
    const first = int(r, Math.floor(b.length / 4), Math.floor(b.length / 2) - length);
    const second = int(r, Math.floor(b.length / 2), b.length - length);
    const out = Buffer.from(b);
    b.copy(out, first, second, second + length);
    b.copy(out, second, first, first + length);
    return out;
  },
};

const insertGarbage: Damage = {
  kind: "garbage inserted",
  detail: "16 B–16 KiB of random bytes inserted (every later offset shifts)",
  apply: (b, r) => {
    const garbage = Buffer.alloc(int(r, 16, 16 * 1024));
    for (let i = 0; i < garbage.length; i++) garbage[i] = int(r, 0, 255);
    const at = int(r, 0, b.length);
    return Buffer.concat([b.subarray(0, at), garbage, b.subarray(at)]);
  },
};

const GENERIC = [truncate, flipBytes, flipHeader, zeroHeader, zeroBlock, swapBlocks, insertGarbage];

// ---- ISO-BMFF (MP4, MOV) --------------------------------------------------------------------------

/** Top-level boxes [type, offset, size]. */
function topLevelBoxes(b: Buffer): { type: string; offset: number; size: number }[] {
  const boxes = [];
  for (let offset = 0; offset + 8 <= b.length; ) {
    let size = b.readUInt32BE(offset);
    if (size === 1) size = Number(b.readBigUInt64BE(offset + 8));
    else if (size === 0) size = b.length - offset;
    if (size < 8) break;
    boxes.push({ type: b.toString("latin1", offset + 4, offset + 8), offset, size });
    offset += size;
  }
  return boxes;
}

function box(b: Buffer, type: string) {
  const found = topLevelBoxes(b).find((x) => x.type === type);
  if (!found) throw new Error(`no ${type} box`);
  return found;
}

const hugeBox: Damage = {
  kind: "box size huge",
  detail: "a top-level box (moov, mdat or ftyp) claims 4 GiB or 2^62 bytes",
  apply: (b, r) => {
    const boxes = topLevelBoxes(b).filter((x) => ["moov", "mdat", "ftyp"].includes(x.type));
    const target = boxes[int(r, 0, boxes.length - 1)];
    const out = Buffer.from(b);
    // A 64-bit size needs 8 more header bytes than the box has; writing 1 alone makes the next 8 bytes the size.
    if (r() < 0.5) out.writeUInt32BE(0xffffffff, target.offset);
    else out.writeUInt32BE(1, target.offset);
    return out;
  },
};

const moovRemoved: Damage = {
  kind: "index removed",
  detail: "the moov box cut out",
  apply: (b) => {
    const moov = box(b, "moov");
    return Buffer.concat([b.subarray(0, moov.offset), b.subarray(moov.offset + moov.size)]);
  },
};

const mvhdDuration: Damage = {
  kind: "duration absurd",
  detail: "the movie header claims 0, 23 h or 4 billion ticks, or a 0 timescale",
  apply: onCopy((out, r, b) => {
    const at = out.indexOf("mvhd", box(b, "moov").offset, "latin1");
    const timescaleAt = at + 4 + 4 + 8;
    const durationAt = timescaleAt + 4;
    const timescale = out.readUInt32BE(timescaleAt);
    const choice = int(r, 0, 3);
    if (choice === 0) out.writeUInt32BE(0, durationAt);
    else if (choice === 1) out.writeUInt32BE(Math.min(0xffffffff, 23 * 3600 * timescale), durationAt);
    else if (choice === 2) out.writeUInt32BE(0xffffffff, durationAt);
    else out.writeUInt32BE(0, timescaleAt);
  }),
};

const chunkOffsets: Damage = {
  kind: "sample table damaged",
  detail: "chunk offsets (stco) or sample sizes (stsz) point past the end of the file",
  apply: onCopy((out, r, b) => {
    const table = r() < 0.5 ? "stco" : "stsz";
    const at = out.indexOf(table, box(b, "moov").offset, "latin1");
    const entries = out.readUInt32BE(at + 4 + 4 + (table === "stsz" ? 4 : 0));
    const first = at + 4 + 4 + (table === "stsz" ? 8 : 4);
    for (let n = int(r, 1, 8); n > 0 && entries > 0; n--) out.writeUInt32BE(int(r, b.length, 0x7fffffff), first + 4 * int(r, 0, entries - 1));
  }),
};

// ---- Matroska, WebM ----------------------------------------------------------------------------

/** The offset and length of the size field that follows the EBML element ID at `idAt`. */
function ebmlSize(b: Buffer, idAt: number, idLength: number) {
  const at = idAt + idLength;
  const length = Math.clz32(b[at]) - 23;
  return { at, length };
}

function ebmlElement(b: Buffer, id: number[], from = 0) {
  const at = b.indexOf(Buffer.from(id), from);
  if (at < 0) throw new Error(`no EBML element ${Buffer.from(id).toString("hex")}`);
  return at;
}

function clustersOf(b: Buffer): number[] {
  const clusters: number[] = [];
  for (let at = b.indexOf(Buffer.from(CLUSTER)); at >= 0; at = b.indexOf(Buffer.from(CLUSTER), at + 4)) clusters.push(at);
  if (!clusters.length) throw new Error("no Cluster");
  return clusters;
}

const SEGMENT = [0x18, 0x53, 0x80, 0x67];
const CLUSTER = [0x1f, 0x43, 0xb6, 0x75];
const DURATION = [0x44, 0x89];
const CUES = [0x1c, 0x53, 0xbb, 0x6b];

const segmentHuge: Damage = {
  kind: "element size huge",
  detail: "the Segment or a Cluster claims (almost) 2^56 bytes",
  apply: onCopy((out, r, b) => {
    const clusters = clustersOf(b);
    const at = r() < 0.5 ? ebmlElement(b, SEGMENT) : clusters[int(r, 0, clusters.length - 1)];
    const size = ebmlSize(out, at, 4);
    // All value bits set but the last: a known, huge size (all set would mean "unknown size").
    out[size.at] = 0xff >> (size.length - 1);
    out.fill(0xff, size.at + 1, size.at + size.length);
    out[size.at + size.length - 1] &= 0xfe;
  }),
};

const mkvDuration: Damage = {
  kind: "duration absurd",
  detail: "the Segment's Duration set to 0, negative, NaN, 23 h or 10^15 ms",
  apply: onCopy((out, r, b) => {
    const at = ebmlElement(b, DURATION, ebmlElement(b, SEGMENT));
    const size = ebmlSize(out, at, 2);
    const bytes = out[size.at] & 0x7f;
    const value = [0, -5000, NaN, 23 * 3600 * 1000, 1e15][int(r, 0, 4)];
    if (bytes === 8) out.writeDoubleBE(value, size.at + 1);
    else out.writeFloatBE(value, size.at + 1);
  }),
};

const clusterBroken: Damage = {
  kind: "index removed",
  detail: "the Cues (seek index) zeroed, or a Cluster's ID destroyed",
  apply: onCopy((out, r, b) => {
    const cues = b.indexOf(Buffer.from(CUES));
    if (cues >= 0 && r() < 0.5) out.fill(0, cues, Math.min(out.length, cues + 64));
    else {
      const clusters = clustersOf(b);
      const at = clusters[int(r, 0, clusters.length - 1)];
      out.fill(0x00, at, at + 4);
    }
  }),
};

// ---- AVI ------------------------------------------------------------------------------------------

const riffHuge: Damage = {
  kind: "element size huge",
  detail: "the RIFF or movi list claims 4 GiB",
  apply: onCopy((out, r, b) => {
    const at = r() < 0.5 ? 0 : b.indexOf("movi", 0, "latin1") - 8;
    out.writeUInt32LE(0xffffffff, at + 4);
  }),
};

const idx1Removed: Damage = {
  kind: "index removed",
  detail: "the idx1 index cut off the end",
  apply: (b) => {
    const at = b.lastIndexOf("idx1", undefined, "latin1");
    if (at < 0) throw new Error("no idx1 chunk");
    return b.subarray(0, at);
  },
};

const aviFrames: Damage = {
  kind: "duration absurd",
  detail: "the main header's frame count and rate set absurd",
  apply: onCopy((out, r, b) => {
    const avih = b.indexOf("avih", 0, "latin1") + 8;
    if (r() < 0.5) out.writeUInt32LE(0xffffffff, avih + 16); // dwTotalFrames
    else out.writeUInt32LE(0, avih); // dwMicroSecPerFrame
  }),
};

const SPECIFIC: Record<Container, Damage[]> = {
  mp4: [hugeBox, moovRemoved, mvhdDuration, chunkOffsets],
  mov: [hugeBox, moovRemoved, mvhdDuration, chunkOffsets],
  mkv: [segmentHuge, mkvDuration, clusterBroken],
  webm: [segmentHuge, mkvDuration, clusterBroken],
  avi: [riffHuge, idx1Removed, aviFrames],
};

/** Every damage a container is put through: its own kinds interleaved with the generic ones. */
export function damagesFor(container: Container): Damage[] {
  const specific = SPECIFIC[container];
  return GENERIC.flatMap((g, i) => (i < specific.length ? [g, specific[i]] : [g]));
}

export type DamagedCase = { n: number; container: Container; kind: string; detail: string; bytes: Buffer };

/**
 * `count` damaged files, cycling through the containers and, for each, through its kinds of
 * damage from a different starting point (so a small count still covers most kinds), each with its
 * own seeded parameters.
 */
export function damagedCases(sources: Record<Container, Buffer>, count: number, seed: number): DamagedCase[] {
  const containers = Object.keys(sources) as Container[];
  const cases: DamagedCase[] = [];
  for (let n = 0; n < count; n++) {
    const c = n % containers.length;
    const container = containers[c];
    const kinds = damagesFor(container);
    const damage = kinds[(Math.floor(n / containers.length) + 2 * c) % kinds.length];
    const random = seededRandom(seed * 1000 + n);
    cases.push({ n, container, kind: damage.kind, detail: damage.detail, bytes: damage.apply(sources[container], random) });
  }
  return cases;
}
