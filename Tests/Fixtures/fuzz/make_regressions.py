#!/usr/bin/env python3
"""Writes the hand-crafted hostile inputs kept in regressions/: each one once crashed fnn,
or made it allocate or spin far past what its size warrants. Every model file has its
chunk CRCs, header CRC and SHA-256 recomputed, as a hostile party would. Deterministic."""
import gzip
import hashlib
import os
import struct
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions")


def chunks(data):
    """The header and [(type, payload)] of a version 2 file."""
    out, o = [], 24
    while o + 12 <= len(data):
        n = struct.unpack_from("<I", data, o)[0]
        out.append((data[o + 4:o + 8], bytearray(data[o + 8:o + 8 + n])))
        o += 12 + n
    return bytearray(data[:24]), out


def assemble(header, parts):
    header[20:24] = struct.pack("<I", zlib.crc32(bytes(header[:20])))
    out = bytes(header)
    for typ, payload in parts:
        if typ == b"FEND":
            payload = hashlib.sha256(out).digest()
        out += struct.pack("<I", len(payload)) + typ + bytes(payload)
        out += struct.pack("<I", zlib.crc32(typ + bytes(payload)))
    return out


def kv(entries):
    out = struct.pack("<I", len(entries))
    for key, code, value in sorted(entries):
        out += struct.pack("<B", len(key)) + key.encode() + bytes([code]) + value
    return out


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(HERE, exist_ok=True)
    base = open(os.path.join(ROOT, "formats/vectors/v2-f32.fnn"), "rb").read()

    # The first TENS declares rows = columns = 2^32 - 1: their product overflows Int64.
    header, parts = chunks(base)
    tens = next(p for t, p in parts if t == b"TENS")
    tens[8:16] = b"\xff" * 8
    write("tensor-rows-columns-overflow.fnn", assemble(header, parts))

    # History values that are finite but extreme: a cost of ±1e308, accuracy 1e20.
    header, parts = chunks(base)
    record = struct.pack("<II5d", 1, 0, 1e308, 1e20, 1e20, 1e308, -1e308)
    record2 = struct.pack("<II5d", 4294967295, 0, -1e308, -1e20, 1e20, 0.0, 1.0)
    hist = struct.pack("<I", 2) + record + record2
    parts = [(t, p) for t, p in parts if t != b"hist"]
    parts.insert(len(parts) - 1, (b"hist", bytearray(hist)))
    write("history-extreme-values.fnn", assemble(header, parts))

    # input.width = -28 and input.height = -28: their product is the input size of a
    # 784-input model, but no image has negative sides.
    header, parts = chunks(base)
    parts = [(t, p) for t, p in parts if t != b"meta"]
    meta = kv([("input.height", 2, struct.pack("<q", -2)), ("input.width", 2, struct.pack("<q", -3))])
    parts.insert(len(parts) - 1, (b"meta", bytearray(meta)))
    write("meta-negative-sides.fnn", assemble(header, parts))

    # An int8 tensor whose scale makes every value overflow binary32.
    header, parts = chunks(open(os.path.join(ROOT, "formats/vectors/v2-int8.fnn"), "rb").read())
    tens = next(p for t, p in parts if t == b"TENS")
    tens[16:20] = struct.pack("<f", 3.4e38)
    write("int8-scale-overflows-f32.fnn", assemble(header, parts))

    # A 120-byte gzip IDX that claims 2^31 - 1 bytes of images.
    write("idx-claims-2gib.idx.gz", gzip.compress(struct.pack(">IIII", 0x803, 0x7FFFFFFF, 1, 1), mtime=0))
    # A gzip IDX that declares 10 × 28 × 28 images and inflates to 64 MiB.
    head = struct.pack(">IIII", 0x803, 10, 28, 28)
    write("idx-inflates-past-header.idx.gz", gzip.compress(head + bytes(64 << 20), compresslevel=9, mtime=0))
    # network2 JSON: nesting 100,000 deep, and a row far longer than its layer.
    write("network2-deep-nesting.json", b'{"x": ' + b"[" * 100000 + b"]" * 100000 + b"}")
    write("network2-long-row.json",
          b'{"sizes": [2, 1], "weights": [[[' + b",".join([b"1"] * 200000) + b']]], "biases": [[[0]]], "cost": "QuadraticCost"}')


if __name__ == "__main__":
    main()
