"""Writes tests/golden/zlib_golden.json: what zlib (Python's, the zlib Pillow 11.3 links,
1.2.13) produces for level 6, memLevel 9, windowBits 15, Z_FILTERED on inputs built from the
formulas below (repeated exactly in tests/zlib_golden.rs), so only the expected streams are
stored: in full (hex) when short, else by length and SHA-256.

Each input is deflated either whole (`compress(data) + flush()`, as one call with Z_FINISH
sees it) or fed in chunks of `chunk` bytes (`compress(piece)` per chunk, then `flush()`): how
Pillow feeds zlib one filtered row at a time, which moves zlib's window slides.

  /work/venv-ref/bin/python crates/wb-zlib/tests/golden/make_zlib_golden.py
"""
import hashlib, io, json, os, struct, zlib

import numpy as np
from PIL import Image

OUT = os.path.dirname(os.path.abspath(__file__))
assert zlib.ZLIB_RUNTIME_VERSION == "1.2.13", zlib.ZLIB_RUNTIME_VERSION


def hash32(i):
    x = i & 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def hash32_np(i):
    x = np.asarray(i, dtype=np.uint64) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & np.uint64(0xFFFFFFFF)
    x ^= x >> np.uint64(16)
    return x


WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "deflate", "zlib",
         "window", "hash", "chain", "match", "literal", "block", "tree", "huffman", "code",
         "bits", "image", "pixel", "row", "filter"]


def gen(kind, n, p):
    i = np.arange(n, dtype=np.uint64)
    if kind == "random":  # the top byte of a hash of the index
        return (hash32_np(i) >> np.uint64(24)).astype(np.uint8).tobytes()
    if kind == "alphabet":  # p symbols, uniform
        return ((hash32_np(i) >> np.uint64(24)) % np.uint64(p)).astype(np.uint8).tobytes()
    if kind == "zeros":
        return bytes(n)
    if kind == "runs":  # runs of p equal bytes
        return (hash32_np(i // np.uint64(p)) >> np.uint64(24)).astype(np.uint8).tobytes()
    if kind == "geometric":  # leading zeros of a hash: value v with probability 2^-(v+1)
        h = hash32_np(i).astype(np.uint32)
        lz = np.array([32 - int(v).bit_length() for v in h], dtype=np.uint8)
        return lz.tobytes()
    if kind == "periodic":  # random bytes repeating with period p
        return (hash32_np(i % np.uint64(p)) >> np.uint64(24)).astype(np.uint8).tobytes()
    if kind == "records":  # p-byte records: a shared 128-byte head, then every third
        # record the shared tail, else unique bytes (matches of exactly 128, then longer ones)
        j, off = i // np.uint64(p), i % np.uint64(p)
        shared = (off < np.uint64(128)) | (j % np.uint64(3) == np.uint64(2))
        v = np.where(shared, hash32_np(off), hash32_np(i + np.uint64(1000000))) >> np.uint64(24)
        return v.astype(np.uint8).tobytes()
    if kind == "ramp":
        return (i & np.uint64(255)).astype(np.uint8).tobytes()
    if kind == "text":  # words picked by hash, space-separated, cut to n bytes
        out, j = [], 0
        size = 0
        while size < n:
            w = WORDS[hash32(j) % len(WORDS)] + " "
            out.append(w)
            size += len(w)
            j += 1
        return "".join(out).encode()[:n]
    if kind == "mixed":  # 20000-byte segments cycling through five kinds
        parts = []
        for k in range((n + 19999) // 20000):
            m = min(20000, n - k * 20000)
            sub = ["random", "alphabet", "zeros", "text", "runs"][k % 5]
            seg = gen(sub, m + k, 4 if sub == "alphabet" else 23)[k:]
            parts.append(seg)
        return b"".join(parts)
    if kind == "photo":  # the filtered rows Pillow deflates for the bench's photo-like image
        return photo_filtered()
    raise ValueError(kind)


def photo_filtered():
    y, x = np.mgrid[0:512, 0:512].astype(np.int64)
    r = (x + y) * 255 // 1022
    g = 64 + y * 128 // 511
    b = 200 - x * 100 // 511
    img = np.stack([r, g, b], -1)
    disc = (x - 300) ** 2 + (y - 200) ** 2 < 80 * 80
    img[disc] = [250, 220, 120]
    block = (x >= 60) & (x < 200) & (y >= 300) & (y < 480)
    img[block] = [90, 90, 100]
    img[block & ((x // 10 + y // 14) % 3 == 0)] = [200, 200, 150]
    idx = np.arange(512 * 512 * 3, dtype=np.uint64).reshape(512, 512, 3)
    img = np.minimum(img + (hash32_np(idx) >> np.uint64(29)).astype(np.int64), 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, format="png")
    png = buf.getvalue()
    pos, z = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        if png[pos + 4:pos + 8] == b"IDAT":
            z += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return zlib.decompress(z)


def deflate(data, chunk):
    c = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_FILTERED)
    if chunk is None:
        return c.compress(data) + c.flush()
    return b"".join(c.compress(data[i:i + chunk]) for i in range(0, len(data), chunk)) + c.flush()


CASES = [
    ("empty", "zeros", 0, 0, None),
    ("one_byte", "random", 1, 0, None),
    ("random_2", "random", 2, 0, None),
    ("random_3", "random", 3, 0, None),
    ("random_6", "random", 6, 0, None),
    ("zeros_7", "zeros", 7, 0, None),
    ("zeros_300", "zeros", 300, 0, None),
    ("text_100", "text", 100, 0, None),
    ("text_5000", "text", 5000, 0, None),
    ("text_300000", "text", 300000, 0, None),
    ("zeros_100000", "zeros", 100000, 0, None),
    ("runs_100000", "runs", 100000, 37, None),
    ("runs_7_150000", "runs", 150000, 7, None),
    ("random_100", "random", 100, 0, None),
    ("random_5000", "random", 5000, 0, None),
    ("random_70000", "random", 70000, 0, None),
    ("random_300000", "random", 300000, 0, None),
    ("alphabet8_300000", "alphabet", 300000, 8, None),
    ("alphabet3_200000", "alphabet", 200000, 3, None),
    ("alphabet16_400000", "alphabet", 400000, 16, None),
    ("geometric_200000", "geometric", 200000, 0, None),
    ("periodic_32506", "periodic", 100000, 32506, None),
    ("periodic_32507", "periodic", 100000, 32507, None),
    ("periodic_32505", "periodic", 100000, 32505, None),
    ("periodic_1000", "periodic", 100000, 1000, None),
    ("periodic_7", "periodic", 50000, 7, None),
    ("ramp_70000", "ramp", 70000, 0, None),
    ("records_200", "records", 60000, 200, None),
    ("mixed_400000", "mixed", 400000, 0, None),
    ("zeros_1000000", "zeros", 1000000, 0, None),
    ("zeros_600000_chunk_1537", "zeros", 600000, 0, 1537),
    ("runs_300_500000", "runs", 500000, 300, None),
    ("photo", "photo", 0, 0, None),
    ("photo_rows", "photo", 0, 0, 1537),
    ("random_300000_chunk_1000", "random", 300000, 0, 1000),
    ("alphabet8_300000_chunk_4093", "alphabet", 300000, 8, 4093),
    ("mixed_400000_chunk_777", "mixed", 400000, 0, 777),
    ("text_3000_chunk_2", "text", 3000, 0, 2),
    ("periodic_32506_chunk_1", "periodic", 70000, 32506, 1),
]

cases = []
for name, kind, n, p, chunk in CASES:
    data = gen(kind, n, p)
    z = deflate(data, chunk)
    case = {"name": name, "kind": kind, "n": len(data), "param": p, "chunk": chunk,
            "out_len": len(z), "sha256": hashlib.sha256(z).hexdigest()}
    if len(z) <= 2048:
        case["hex"] = z.hex()
    cases.append(case)
    print(f"{name}: {len(data)} -> {len(z)}")
with open(os.path.join(OUT, "zlib_golden.json"), "w") as f:
    json.dump({"zlib": zlib.ZLIB_RUNTIME_VERSION, "cases": cases}, f, indent=1)
