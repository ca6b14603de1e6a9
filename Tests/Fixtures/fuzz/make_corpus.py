#!/usr/bin/env python3
"""Writes the small seed files the structure-aware fuzzer starts from (besides the
golden vectors in formats/vectors): tiny IDX image and label files, plain and
gzip-compressed, and a tiny network2.py JSON model. Deterministic: the same bytes every
run (gzip's timestamp is fixed at 0)."""
import gzip
import json
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")


def idx(magic, dims, data):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + bytes(data)


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(HERE, exist_ok=True)
    images = idx(0x803, [3, 4, 4], [(i * 37) % 256 for i in range(48)])
    labels = idx(0x801, [3], [7, 2, 9])
    write("images.idx", images)
    write("labels.idx", labels)
    write("images.idx.gz", gzip.compress(images, mtime=0))
    write("labels.idx.gz", gzip.compress(labels, mtime=0))
    model = {
        "sizes": [4, 3, 2],
        "weights": [[[0.5, -0.25, 0.125, 1.0], [0.0, 1.5, -2.0, 0.75], [1e-3, -1e-3, 2.5, -0.5]],
                    [[1.0, -1.0, 0.5], [0.25, 0.5, -0.75]]],
        "biases": [[[0.1], [-0.2], [0.3]], [[0.0], [1.0]]],
        "cost": "CrossEntropyCost",
    }
    write("network2-tiny.json", json.dumps(model).encode())


if __name__ == "__main__":
    main()
