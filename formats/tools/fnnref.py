#!/usr/bin/env python3
"""fnnref: an independent reference implementation of the .fnn model file format.

Written from ../fnn-format.md alone (Python standard library only; numpy is used
only to compute the forward-pass references in ``make-vectors``).

Usage:
    python3 fnnref.py read FILE          print the JSON description of FILE, or the
                                         error JSON and exit status 1
    python3 fnnref.py write JSON OUT     write the .fnn file that JSON describes
    python3 fnnref.py make-vectors DIR   regenerate the golden vectors in DIR

The JSON schemas and the rules for error offsets are in ../vectors/README.md.
"""

import hashlib
import json
import math
import os
import struct
import sys
import zlib

# ---------------------------------------------------------------------------
# Constants from the specification
# ---------------------------------------------------------------------------

MAGIC_V1 = b"FNN1"
SIGNATURE_V2 = b"\x89FNN\r\n\x1a\n"
READER_VERSION = 2  # the format version this reader implements

MAX_FILE_SIZE = 2**31 - 1
MAX_LAYERS = 64
MAX_SIZE = 65536
MAX_TENSOR_ELEMENTS = 2**28
MAX_CHUNKS = 65536
MAX_KV_ENTRIES = 4096
MAX_STRING = 2**20
MAX_ARRAY = 2**20
MAX_HISTORY = 100000

ACTIVATIONS = {1: "sigmoid", 2: "tanh", 3: "relu", 4: "softmax"}
COSTS = {1: "quadratic", 2: "cross-entropy"}
# code -> (name, bytes per element)
DTYPES = {1: ("f64", 8), 2: ("f32", 4), 3: ("f16", 2), 4: ("int8", 1)}
DTYPE_CODES = {v[0]: k for k, v in DTYPES.items()}
ROLES = {1: "weights", 2: "biases", 3: "weight_velocity", 4: "bias_velocity"}
VALUE_TYPES = {1: "bool", 2: "int64", 3: "uint64", 4: "float64", 5: "string",
               6: "float64_array", 7: "string_array"}
VALUE_TYPE_CODES = {v: k for k, v in VALUE_TYPES.items()}
KEY_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789_.")
KNOWN_CRITICAL = (b"ARCH", b"TENS", b"FEND")

KNOWN_HYPS = {
    "batch_size": 2, "early_stop": 2, "epochs": 2, "init": 5, "learning_rate": 4,
    "lr_schedule": 5, "momentum": 4, "seed": 3, "threads": 2, "validation_size": 2,
    "weight_decay": 4,
}
KNOWN_META = {
    "created": 5, "creator": 5, "description": 5, "input.height": 2,
    "input.layout": 5, "input.scale_max": 4, "input.scale_min": 4, "input.width": 2,
    "labels": 7, "test_accuracy": 4, "training_data_sha256": 5,
    "validation_accuracy": 4,
}
# The five hyperparameters of version 1, in file order, with their hyps types.
V1_HYPS = (("learning_rate", "float64"), ("weight_decay", "float64"),
           ("epochs", "int64"), ("batch_size", "int64"), ("seed", "uint64"))


def crc32(b):
    return zlib.crc32(b) & 0xFFFFFFFF


class FnnError(Exception):
    """An invalid file: error code, byte offset, chunk type (str) or None."""

    def __init__(self, code, offset, chunk=None):
        super().__init__("%s at %d (%s)" % (code, offset, chunk))
        self.code = code
        self.offset = offset
        self.chunk = chunk

    def as_json(self):
        return {"error": self.code, "offset": self.offset, "chunk": self.chunk}


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------

def _u16(d, o):
    return struct.unpack_from("<H", d, o)[0]


def _u32(d, o):
    return struct.unpack_from("<I", d, o)[0]


def _f32(d, o):
    return struct.unpack_from("<f", d, o)[0]


def _f32_round(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def _is_letters(b):
    return len(b) == 4 and all(0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A for c in b)


def _float_json(x):
    """A float as a JSON value: NaN -> null, infinities -> strings."""
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return x


def _float_from_json(v):
    if v is None:
        return math.nan
    if v == "Infinity":
        return math.inf
    if v == "-Infinity":
        return -math.inf
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise ValueError("not a number: %r" % (v,))
    return float(v)


def _same_float(a, b):
    """Bit-for-bit equality of two binary64 values (NaN equal to NaN)."""
    return struct.pack("<d", a) == struct.pack("<d", b) or (math.isnan(a) and math.isnan(b))


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------

def read_file(path):
    """Describe the file at path; raises FnnError for an invalid file."""
    size = os.path.getsize(path)
    if size > MAX_FILE_SIZE:  # checked before reading anything into memory
        raise FnnError("limit", 0)
    with open(path, "rb") as f:
        return read_bytes(f.read())


def read_bytes(d):
    """Describe the .fnn file held in the bytes d; raises FnnError when invalid."""
    d = bytes(d)
    if len(d) > MAX_FILE_SIZE:
        raise FnnError("limit", 0)
    if d[:4] == MAGIC_V1:
        return _read_v1(d)
    if d[:8] == SIGNATURE_V2:
        return _read_v2(d)
    raise FnnError("bad-signature", 0)


def _decode_elements(d, off, count, dtype, scale):
    """Decode count elements at off; returns (values, stored, index of first non-finite)."""
    name, size = DTYPES[dtype]
    stored = None
    if name == "f64":
        values = list(struct.unpack_from("<%dd" % count, d, off))
    elif name == "f32":
        values = list(struct.unpack_from("<%df" % count, d, off))
    elif name == "f16":
        stored = list(struct.unpack_from("<%dH" % count, d, off))
        values = list(struct.unpack_from("<%de" % count, d, off))
    else:
        stored = list(struct.unpack_from("<%db" % count, d, off))
        values = [s * scale for s in stored]  # exact in binary64
    bad = None
    for i, v in enumerate(values):
        if not math.isfinite(v):
            bad = i
            break
    return values, stored, bad


def _tensor_json(dtype, rows, cols, scale, values, stored):
    return {"dtype": DTYPES[dtype][0], "rows": rows, "columns": cols,
            "scale": scale, "values": values, "stored": stored}


def _read_v1(d):
    n_file = len(d)
    if n_file < 12:
        raise FnnError("truncated", n_file)
    # (magic already checked by the caller)
    L = _u32(d, 4)
    if not 1 <= L <= MAX_LAYERS:
        raise FnnError("limit", 4)
    if n_file < 8 + 4 * (L + 1):
        raise FnnError("truncated", n_file)
    sizes = []
    for i in range(L + 1):
        s = _u32(d, 8 + 4 * i)
        if not 1 <= s <= MAX_SIZE:
            raise FnnError("limit", 8 + 4 * i)
        sizes.append(s)
    h = 12 + 4 * L
    expected = h + 40 + 8 * sum(sizes[l + 1] * (sizes[l] + 1) for l in range(L)) + 4
    if n_file < expected:
        raise FnnError("truncated", n_file)
    if n_file > expected:
        raise FnnError("structure", expected)
    file_crc = _u32(d, n_file - 4)
    if crc32(d[:n_file - 4]) != file_crc:
        raise FnnError("file-crc", n_file - 4)
    cost = d[h]
    if cost not in COSTS:
        raise FnnError("invalid", h)
    if any(d[h + 1:h + 8]):
        raise FnnError("invalid", h + 1)
    lr, wd, epochs, batch, seed = struct.unpack_from("<ddIIQ", d, h + 8)
    layers = []
    p = h + 40
    for l in range(L):
        n_in, n_out = sizes[l], sizes[l + 1]
        b, _, bad = _decode_elements(d, p, n_out, 1, 0.0)
        if bad is not None:
            raise FnnError("invalid", p + 8 * bad)
        p += 8 * n_out
        w, _, bad = _decode_elements(d, p, n_out * n_in, 1, 0.0)
        if bad is not None:
            raise FnnError("invalid", p + 8 * bad)
        p += 8 * n_out * n_in
        layers.append({"activation": "sigmoid", "output_size": n_out,
                       "weights": _tensor_json(1, n_out, n_in, 0.0, w, None),
                       "biases": _tensor_json(1, n_out, 1, 0.0, b, None)})
    hyps = {}
    for (key, typ), val in zip(V1_HYPS, (lr, wd, epochs, batch, seed)):
        hyps[key] = {"type": typ, "value": _float_json(val) if typ == "float64" else val}
    return {
        "format_version": 1,
        "cost": COSTS[cost],
        "input_size": sizes[0],
        "layers": layers,
        "hyperparameters": dict(sorted(hyps.items())),
        "metadata": {},
        "history": [],
        "optimizer": [],
        "unknown_chunks": [],
        "sha256": None,
        "crc32": file_crc,
    }


def _read_v2(d):
    n_file = len(d)
    # 1. size, signature (checked by the caller), header
    if n_file < 24:
        raise FnnError("truncated", n_file)
    header_crc = _u32(d, 20)
    if crc32(d[:20]) != header_crc:
        raise FnnError("header-crc", 20)
    if d[8] != 0x4C:
        raise FnnError("invalid", 8)
    if d[9] != 0:
        raise FnnError("invalid", 9)
    if _u16(d, 14) != 0:
        raise FnnError("invalid", 14)
    if _u32(d, 16) != 0:
        raise FnnError("invalid", 16)
    version = _u16(d, 10)
    min_reader = _u16(d, 12)
    if min_reader > READER_VERSION:
        raise FnnError("needs-newer-reader", 12)
    if min_reader < 2 or min_reader > version:
        raise FnnError("invalid", 12)

    st = {"arch": None, "tens": {}, "optm": {}, "hyps": None, "meta": None,
          "hist": None, "unknown": []}
    o = 24
    index = 0
    while True:
        # 2. each chunk in turn
        if o == n_file:
            raise FnnError("truncated", n_file)  # ended without FEND
        if index >= MAX_CHUNKS:
            raise FnnError("limit", o)
        typ = d[o + 4:o + 8]
        tname = typ.decode("ascii") if _is_letters(typ) else None
        if n_file - o < 12:
            raise FnnError("truncated", o, tname)
        n = _u32(d, o)
        if n > n_file - o - 12:
            raise FnnError("truncated", o, tname)
        if tname is None:
            raise FnnError("invalid", o + 4)
        if crc32(d[o + 4:o + 8 + n]) != _u32(d, o + 8 + n):
            raise FnnError("chunk-crc", o, tname)
        critical = (typ[0] & 0x20) == 0
        if critical and typ not in KNOWN_CRITICAL:
            raise FnnError("needs-newer-reader", o, tname)
        # 3. placement, checked as the chunks are met
        if index == 0 and typ != b"ARCH":
            raise FnnError("structure", o, tname)
        if index > 0 and typ == b"ARCH":
            raise FnnError("structure", o, tname)
        if tname in ("hyps", "meta", "hist") and st[tname] is not None:
            raise FnnError("structure", o, tname)
        d0 = o + 8
        end = d0 + n + 4
        if typ == b"ARCH":
            st["arch"] = _parse_arch(d, o, d0, n)
        elif typ == b"TENS" or typ == b"optm":
            _parse_tensor(d, o, d0, n, tname, st)
        elif typ == b"hyps" or typ == b"meta":
            st[tname] = _parse_kv(d, o, d0, n, tname,
                                  KNOWN_HYPS if tname == "hyps" else KNOWN_META)
            if tname == "meta":
                _check_input_contract(st[tname], o, st["arch"]["sizes"][0])
        elif typ == b"hist":
            st["hist"] = _parse_hist(d, o, d0, n)
        elif typ == b"FEND":
            if n != 32:
                raise FnnError("invalid", o, "FEND")
            if end != n_file:
                raise FnnError("structure", end)
            digest = d[d0:d0 + 32]
            if hashlib.sha256(d[:o]).digest() != digest:
                raise FnnError("sha256", o, "FEND")
            _check_tensor_sets(st, o)
            return _describe_v2(st, version, digest, header_crc)
        else:
            st["unknown"].append({"type": tname, "data_hex": d[d0:d0 + n].hex()})
        o = end
        index += 1


def _parse_arch(d, o, d0, n):
    if n < 12:
        raise FnnError("invalid", o, "ARCH")
    L = _u32(d, d0)
    if not 1 <= L <= MAX_LAYERS:
        raise FnnError("limit", d0, "ARCH")
    n_in = _u32(d, d0 + 4)
    if not 1 <= n_in <= MAX_SIZE:
        raise FnnError("limit", d0 + 4, "ARCH")
    cost = d[d0 + 8]
    if cost not in COSTS:
        raise FnnError("invalid", d0 + 8, "ARCH")
    if any(d[d0 + 9:d0 + 12]):
        raise FnnError("invalid", d0 + 9, "ARCH")
    if n != 12 + 8 * L:
        raise FnnError("invalid", o, "ARCH")
    sizes = [n_in]
    acts = []
    for l in range(L):
        p = d0 + 12 + 8 * l
        out = _u32(d, p)
        if not 1 <= out <= MAX_SIZE:
            raise FnnError("limit", p, "ARCH")
        act = d[p + 4]
        if act not in ACTIVATIONS:
            raise FnnError("invalid", p + 4, "ARCH")
        if act == 4 and l != L - 1:
            raise FnnError("invalid", p + 4, "ARCH")
        if any(d[p + 5:p + 8]):
            raise FnnError("invalid", p + 5, "ARCH")
        sizes.append(out)
        acts.append(act)
    return {"L": L, "sizes": sizes, "acts": acts, "cost": cost}


def _parse_tensor(d, o, d0, n, tname, st):
    if n < 24:
        raise FnnError("invalid", o, tname)
    arch = st["arch"]
    layer = _u32(d, d0)
    if layer >= arch["L"]:
        raise FnnError("invalid", d0, tname)
    role = d[d0 + 4]
    if role not in ((1, 2) if tname == "TENS" else (3, 4)):
        raise FnnError("invalid", d0 + 4, tname)
    dtype = d[d0 + 5]
    if dtype not in DTYPES or (tname == "optm" and dtype not in (1, 2)):
        raise FnnError("invalid", d0 + 5, tname)
    if _u16(d, d0 + 6) != 0:
        raise FnnError("invalid", d0 + 6, tname)
    rows = _u32(d, d0 + 8)
    cols = _u32(d, d0 + 12)
    count = rows * cols
    if count > MAX_TENSOR_ELEMENTS:
        raise FnnError("limit", d0 + 8, tname)
    scale_bits = _u32(d, d0 + 16)
    scale = _f32(d, d0 + 16)
    if DTYPES[dtype][0] == "int8":
        if not (math.isfinite(scale) and scale > 0):
            raise FnnError("invalid", d0 + 16, tname)
    elif scale_bits != 0:
        raise FnnError("invalid", d0 + 16, tname)
    pad = _u32(d, d0 + 20)
    if pad > 63:
        raise FnnError("invalid", d0 + 20, tname)
    if n != 24 + pad + count * DTYPES[dtype][1]:
        raise FnnError("invalid", o, tname)
    if any(d[d0 + 24:d0 + 24 + pad]):
        raise FnnError("invalid", d0 + 24, tname)
    first = d0 + 24 + pad
    if first % 64 != 0:
        raise FnnError("invalid", d0 + 20, tname)
    values, stored, bad = _decode_elements(d, first, count, dtype,
                                           scale if dtype == 4 else 0.0)
    if bad is not None:
        raise FnnError("invalid", first + bad * DTYPES[dtype][1], tname)
    table = st["tens"] if tname == "TENS" else st["optm"]
    if (layer, role) in table:
        raise FnnError("structure", o, tname)
    table[(layer, role)] = {
        "offset": o, "d0": d0, "rows": rows, "cols": cols,
        "json": _tensor_json(dtype, rows, cols, scale if dtype == 4 else 0.0, values, stored),
    }


def _utf8(d, start, length, tname):
    try:
        return d[start:start + length].decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise FnnError("invalid", start, tname)


def _parse_kv(d, o, d0, n, tname, known):
    end = d0 + n
    if n < 4:
        raise FnnError("invalid", o, tname)
    count = _u32(d, d0)
    if count > MAX_KV_ENTRIES:
        raise FnnError("limit", d0, tname)
    if 4 * count > n - 4:  # every entry takes at least 4 bytes
        raise FnnError("invalid", o, tname)
    p = d0 + 4
    prev = None
    out = {}

    def need(k):
        if p + k > end:
            raise FnnError("invalid", o, tname)

    for _ in range(count):
        need(1)
        k = d[p]
        if k == 0:
            raise FnnError("limit", p, tname)
        need(1 + k)
        key = d[p + 1:p + 1 + k]
        if any(c not in KEY_CHARS for c in key):
            raise FnnError("invalid", p + 1, tname)
        if prev is not None and key <= prev:
            raise FnnError("invalid", p + 1, tname)
        prev = key
        p += 1 + k
        need(1)
        vt = d[p]
        if vt not in VALUE_TYPES:
            raise FnnError("invalid", p, tname)
        skey = key.decode("ascii")
        type_at = p
        if skey in known and known[skey] != vt:
            raise FnnError("invalid", p, tname)
        p += 1
        if vt == 1:
            need(1)
            if d[p] > 1:
                raise FnnError("invalid", p, tname)
            value = d[p] == 1
            p += 1
        elif vt in (2, 3, 4):
            need(8)
            value = struct.unpack_from({2: "<q", 3: "<Q", 4: "<d"}[vt], d, p)[0]
            if vt == 4:
                value = _float_json(value)
            p += 8
        elif vt == 5:
            need(4)
            length = _u32(d, p)
            if length > MAX_STRING:
                raise FnnError("limit", p, tname)
            need(4 + length)
            value = _utf8(d, p + 4, length, tname)
            p += 4 + length
        elif vt == 6:
            need(4)
            c = _u32(d, p)
            if c > MAX_ARRAY:
                raise FnnError("limit", p, tname)
            need(4 + 8 * c)
            value = [_float_json(x) for x in struct.unpack_from("<%dd" % c, d, p + 4)]
            p += 4 + 8 * c
        else:
            need(4)
            c = _u32(d, p)
            if c > MAX_ARRAY:
                raise FnnError("limit", p, tname)
            need(4 + 4 * c)  # every string takes at least its 4-byte length
            p += 4
            value = []
            for _ in range(c):
                need(4)
                length = _u32(d, p)
                if length > MAX_STRING:
                    raise FnnError("limit", p, tname)
                need(4 + length)
                value.append(_utf8(d, p + 4, length, tname))
                p += 4 + length
        out[skey] = {"type": VALUE_TYPES[vt], "value": value, "at": type_at}
    if p != end:
        raise FnnError("invalid", o, tname)
    return out


def _typed_values(entries):
    """Key-value entries as the JSON form lists them (without their offsets)."""
    return {k: {"type": v["type"], "value": v["value"]} for k, v in sorted((entries or {}).items())}


def _check_input_contract(meta, o, input_size):
    """The input contract rules of the specification, checked after the meta chunk."""
    def at(key):
        return meta[key]["at"] if key in meta else o

    def value(key):
        return meta[key]["value"] if key in meta else None

    for key in ("input.width", "input.height"):
        v = value(key)
        if v is not None and not 1 <= v <= MAX_SIZE:
            raise FnnError("invalid", at(key), "meta")
    w, h = value("input.width"), value("input.height")
    if w is not None and h is not None:
        if w * h != input_size:
            raise FnnError("invalid", at("input.width"), "meta")
    elif h is not None:
        raise FnnError("invalid", at("input.height"), "meta")
    elif w is not None:
        raise FnnError("invalid", at("input.width"), "meta")
    layout = value("input.layout")
    if layout is not None and layout != "row-major":
        raise FnnError("invalid", at("input.layout"), "meta")
    for key in ("input.scale_min", "input.scale_max"):
        # _float_json has turned a non-finite number into None or a string.
        if key in meta and not isinstance(meta[key]["value"], float):
            raise FnnError("invalid", at(key), "meta")
    lo = value("input.scale_min")
    hi = value("input.scale_max")
    lo = 0.0 if lo is None else lo
    hi = 1.0 if hi is None else hi
    if lo == hi:
        raise FnnError("invalid", at("input.scale_max" if "input.scale_max" in meta else "input.scale_min"), "meta")


def _parse_hist(d, o, d0, n):
    if n < 4:
        raise FnnError("invalid", o, "hist")
    count = _u32(d, d0)
    if count > MAX_HISTORY:
        raise FnnError("limit", d0, "hist")
    if n != 4 + 48 * count:
        raise FnnError("invalid", o, "hist")
    records = []
    for i in range(count):
        p = d0 + 4 + 48 * i
        epoch, reserved, cost, acc, vacc, lr, secs = struct.unpack_from("<IIddddd", d, p)
        if reserved != 0:
            raise FnnError("invalid", p + 4, "hist")
        records.append({"epoch": epoch, "train_cost": _float_json(cost),
                        "train_accuracy": _float_json(acc),
                        "validation_accuracy": _float_json(vacc),
                        "learning_rate": _float_json(lr), "seconds": _float_json(secs)})
    return records


def _expected_shape(arch, layer, role):
    rows = arch["sizes"][layer + 1]
    cols = arch["sizes"][layer] if role in (1, 3) else 1
    return rows, cols


def _check_tensor_sets(st, fend_offset):
    """Step 4: TENS complete and matching ARCH; optm, when present, a full set."""
    arch = st["arch"]
    for tname, roles, required in (("TENS", (1, 2), True), ("optm", (3, 4), False)):
        table = st["tens"] if tname == "TENS" else st["optm"]
        if not table and not required:
            continue
        keys = [(l, r) for l in range(arch["L"]) for r in roles]
        for key in keys:
            if key not in table:
                raise FnnError("structure", fend_offset, "FEND")
        for key in keys:
            t = table[key]
            rows, cols = _expected_shape(arch, *key)
            if t["rows"] != rows:
                raise FnnError("invalid", t["d0"] + 8, tname)
            if t["cols"] != cols:
                raise FnnError("invalid", t["d0"] + 12, tname)


def _describe_v2(st, version, digest, header_crc):
    arch = st["arch"]
    layers = []
    for l in range(arch["L"]):
        layers.append({"activation": ACTIVATIONS[arch["acts"][l]],
                       "output_size": arch["sizes"][l + 1],
                       "weights": st["tens"][(l, 1)]["json"],
                       "biases": st["tens"][(l, 2)]["json"]})
    optimizer = []
    for (l, r) in sorted(st["optm"]):
        optimizer.append({"layer": l, "role": ROLES[r], "tensor": st["optm"][(l, r)]["json"]})
    return {
        "format_version": version,
        "cost": COSTS[arch["cost"]],
        "input_size": arch["sizes"][0],
        "layers": layers,
        "hyperparameters": _typed_values(st["hyps"]),
        "metadata": _typed_values(st["meta"]),
        "history": st["hist"] or [],
        "optimizer": optimizer,
        "unknown_chunks": st["unknown"],
        "sha256": digest.hex(),
        "crc32": header_crc,
    }


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

def header_v2(version=2, min_reader=2, byte_order=0x4C, reserved9=0, reserved14=0,
              reserved16=0, crc=None):
    h = SIGNATURE_V2 + struct.pack("<BBHHHI", byte_order, reserved9, version, min_reader,
                                   reserved14, reserved16)
    return h + struct.pack("<I", crc32(h) if crc is None else crc)


def chunk(typ, data, crc=None):
    """One chunk: length, type, data, CRC (crc overrides the correct CRC)."""
    if isinstance(typ, str):
        typ = typ.encode("ascii")
    body = typ + data
    return struct.pack("<I", len(data)) + body + struct.pack(
        "<I", crc32(body) if crc is None else crc)


def assemble_v2(header, chunks, fend=True, layout=None):
    """Lay out chunks after header and append FEND.

    chunks: list of (type, data) where data is bytes or a callable taking the absolute
    offset of the chunk's data and returning bytes (for aligned tensors).
    layout, if a list, receives (type, offset of the length field) for each chunk.
    """
    out = bytearray(header)
    for typ, data in chunks:
        if callable(data):
            data = data(len(out) + 8)
        if layout is not None:
            layout.append((typ, len(out)))
        out += chunk(typ, data)
    if fend:
        if layout is not None:
            layout.append(("FEND", len(out)))
        out += chunk("FEND", hashlib.sha256(bytes(out)).digest())
    return bytes(out)


def tensor_elements(t, allow_nonfinite=False):
    """Encode a tensor's elements (JSON form) to bytes; returns (dtype code, bytes, scale bits)."""
    dtype = DTYPE_CODES[t["dtype"]]
    values = [_float_from_json(v) for v in t["values"]]
    if len(values) != t["rows"] * t["columns"]:
        raise ValueError("tensor has %d values, expected %d x %d"
                         % (len(values), t["rows"], t["columns"]))
    if not allow_nonfinite and not all(math.isfinite(v) for v in values):
        raise ValueError("tensor values must be finite")
    name = t["dtype"]
    scale_bits = 0
    if name == "f64":
        data = struct.pack("<%dd" % len(values), *values)
    elif name == "f32":
        data = struct.pack("<%df" % len(values), *values)
        back = struct.unpack("<%df" % len(values), data)
        if not all(_same_float(a, b) for a, b in zip(values, back)):
            raise ValueError("value not exactly representable as f32")
    elif name == "f16":
        if t.get("stored") is not None:
            data = struct.pack("<%dH" % len(values), *t["stored"])
        else:
            data = struct.pack("<%de" % len(values), *values)
        back = struct.unpack("<%de" % len(values), data)
        if not all(_same_float(a, b) for a, b in zip(values, back)):
            raise ValueError("f16 values and stored patterns disagree")
    else:
        scale = float(t["scale"])
        if _f32_round(scale) != scale or not (math.isfinite(scale) and scale > 0):
            raise ValueError("int8 scale must be a finite positive f32")
        stored = t["stored"]
        if stored is None or len(stored) != len(values):
            raise ValueError("int8 tensor needs stored integers")
        for s, v in zip(stored, values):
            if not -128 <= s <= 127 or not _same_float(s * scale, v):
                raise ValueError("int8 stored value %r x scale != %r" % (s, v))
        data = struct.pack("<%db" % len(stored), *stored)
        scale_bits = struct.unpack("<I", struct.pack("<f", scale))[0]
    return dtype, data, scale_bits


def tensor_data(layer, role, t, pad=None, allow_nonfinite=False):
    """Return a callable(abs data offset) -> TENS/optm data with 64-byte alignment.

    pad overrides the computed padding P (for making invalid files).
    """
    dtype, elems, scale_bits = tensor_elements(t, allow_nonfinite)

    def build(data_offset):
        p = (-(data_offset + 24)) % 64 if pad is None else pad
        return (struct.pack("<IBBHIIII", layer, role, dtype, 0, t["rows"], t["columns"],
                            scale_bits, p) + bytes(p) + elems)
    return build


def arch_data(desc):
    layers = desc["layers"]
    cost = {v: k for k, v in COSTS.items()}[desc["cost"]]
    acts = {v: k for k, v in ACTIVATIONS.items()}
    out = struct.pack("<IIB3x", len(layers), desc["input_size"], cost)
    for layer in layers:
        out += struct.pack("<IB3x", layer["output_size"], acts[layer["activation"]])
    return out


def kv_data(entries):
    """Encode a key-value chunk from {key: {"type":..., "value":...}}, sorted by key."""
    items = sorted(entries.items(), key=lambda kv: kv[0].encode("ascii"))
    out = struct.pack("<I", len(items))
    for key, tv in items:
        kb = key.encode("ascii")
        out += struct.pack("<B", len(kb)) + kb + kv_value(tv["type"], tv["value"])
    return out


def kv_value(typ, v):
    code = VALUE_TYPE_CODES[typ]
    out = struct.pack("<B", code)
    if typ == "bool":
        return out + struct.pack("<B", 1 if v else 0)
    if typ == "int64":
        return out + struct.pack("<q", v)
    if typ == "uint64":
        return out + struct.pack("<Q", v)
    if typ == "float64":
        return out + struct.pack("<d", _float_from_json(v))
    if typ == "string":
        b = v.encode("utf-8")
        return out + struct.pack("<I", len(b)) + b
    if typ == "float64_array":
        return out + struct.pack("<I%dd" % len(v), len(v), *[_float_from_json(x) for x in v])
    if typ == "string_array":
        out += struct.pack("<I", len(v))
        for s in v:
            b = s.encode("utf-8")
            out += struct.pack("<I", len(b)) + b
        return out
    raise ValueError("unknown value type %r" % typ)


def hist_data(records):
    out = struct.pack("<I", len(records))
    for r in records:
        out += struct.pack("<IIddddd", r["epoch"], 0,
                           *[_float_from_json(r[k]) for k in (
                               "train_cost", "train_accuracy", "validation_accuracy",
                               "learning_rate", "seconds")])
    return out


def v2_chunks(desc):
    """The chunks (without FEND) of a description, in the canonical writer order."""
    chunks = [("ARCH", arch_data(desc))]
    for l, layer in enumerate(desc["layers"]):
        chunks.append(("TENS", tensor_data(l, 1, layer["weights"])))
        chunks.append(("TENS", tensor_data(l, 2, layer["biases"])))
    if desc.get("hyperparameters"):
        chunks.append(("hyps", kv_data(desc["hyperparameters"])))
    if desc.get("metadata"):
        chunks.append(("meta", kv_data(desc["metadata"])))
    if desc.get("history"):
        chunks.append(("hist", hist_data(desc["history"])))
    role_codes = {"weight_velocity": 3, "bias_velocity": 4}
    for o in sorted(desc.get("optimizer") or [],
                    key=lambda o: (o["layer"], role_codes[o["role"]])):
        chunks.append(("optm", tensor_data(o["layer"], role_codes[o["role"]], o["tensor"])))
    for u in desc.get("unknown_chunks") or []:
        typ = u["type"].encode("ascii")
        if not _is_letters(typ) or typ[0] & 0x20 == 0:
            raise ValueError("unknown chunks must be ancillary: %r" % u["type"])
        chunks.append((u["type"], bytes.fromhex(u["data_hex"])))
    return chunks


def write_bytes(desc):
    """The canonical .fnn file that a description (JSON form) describes."""
    version = desc["format_version"]
    if version == 1:
        return _write_v1(desc)
    if version < 2:
        raise ValueError("format_version must be 1 or >= 2")
    return assemble_v2(header_v2(version=version, min_reader=2), v2_chunks(desc))


def _write_v1(desc, allow_nonfinite=False):
    layers = desc["layers"]
    for what in ("metadata", "history", "optimizer", "unknown_chunks"):
        if desc.get(what):
            raise ValueError("version 1 cannot hold %s" % what)
    hyps = desc.get("hyperparameters") or {}
    extra = set(hyps) - {k for k, _ in V1_HYPS}
    if extra:
        raise ValueError("version 1 cannot hold hyperparameters %s" % sorted(extra))
    sizes = [desc["input_size"]] + [layer["output_size"] for layer in layers]
    out = MAGIC_V1 + struct.pack("<I%dI" % len(sizes), len(layers), *sizes)
    cost = {v: k for k, v in COSTS.items()}[desc["cost"]]
    vals = []
    for key, typ in V1_HYPS:
        tv = hyps.get(key, {"type": typ, "value": 0})
        if tv["type"] != typ:
            raise ValueError("hyperparameter %s must be %s" % (key, typ))
        vals.append(_float_from_json(tv["value"]) if typ == "float64" else tv["value"])
    out += struct.pack("<B7xddIIQ", cost, *vals)
    for layer in layers:
        if layer["activation"] != "sigmoid":
            raise ValueError("version 1 holds sigmoid layers only")
        for part in ("biases", "weights"):
            t = layer[part]
            if t["dtype"] != "f64":
                # f32, f16 and int8 widen to f64 exactly
                t = dict(t, dtype="f64", scale=0.0, stored=None)
            out += tensor_elements(t, allow_nonfinite)[1]
    return out + struct.pack("<I", crc32(out))


# ---------------------------------------------------------------------------
# JSON output (deterministic; lists of scalars on one line)
# ---------------------------------------------------------------------------

def _scalar_json(v):
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if not math.isfinite(v):
            raise ValueError("non-finite float in JSON output")
        return repr(v)
    return json.dumps(v, ensure_ascii=False)


def to_json(v, indent=0):
    pad = "  " * (indent + 1)
    if isinstance(v, dict):
        if not v:
            return "{}"
        if all(not isinstance(x, dict) and not (
                isinstance(x, list) and any(isinstance(y, (dict, list)) for y in x))
               for x in v.values()):
            line = "{" + ", ".join(json.dumps(k, ensure_ascii=False) + ": " + to_json(x)
                                   for k, x in v.items()) + "}"
            if len(line) <= 150:
                return line
        items = [pad + json.dumps(k, ensure_ascii=False) + ": " + to_json(x, indent + 1)
                 for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}"
    if isinstance(v, list):
        if not v:
            return "[]"
        if all(not isinstance(x, (dict, list)) for x in v):
            return "[" + ", ".join(_scalar_json(x) for x in v) + "]"
        return "[\n" + ",\n".join(pad + to_json(x, indent + 1) for x in v) + "\n" + \
            "  " * indent + "]"
    return _scalar_json(v)


def error_json(e):
    return json.dumps(e.as_json())


# ---------------------------------------------------------------------------
# Golden vectors
# ---------------------------------------------------------------------------

CREATED = "2026-11-29T12:00:00Z"
CREATOR = "fnn 0.1.0"


class LCG:
    """64-bit linear congruential generator (Knuth's MMIX constants)."""

    def __init__(self, seed):
        self.state = seed % 2**64

    def next(self):
        self.state = (6364136223846793005 * self.state + 1442695040888963407) % 2**64
        return self.state

    def uniform(self):
        return (self.next() >> 11) / 2.0**53

    def sym(self, a=1.0):
        return (2.0 * self.uniform() - 1.0) * a


def make_tensor(dtype, rows, cols, rng, amp=1.0, special=None, short=False):
    """A tensor in JSON form with pseudo-random values encoded as dtype.

    special: {index: value (float) or ("bits", n) for f16} overrides.
    short: put the values on a coarse grid (4 decimals for f64, multiples of 1/256
    for f32 and f16) so that the JSON stays small; specials keep full precision.
    """
    raw = [rng.sym(amp) for _ in range(rows * cols)]
    if short and dtype == "f64":
        raw = [round(v, 4) for v in raw]
    elif short and dtype in ("f32", "f16"):
        raw = [round(v * 256) / 256 for v in raw]
    special = special or {}
    if dtype == "f64":
        for i, v in special.items():
            raw[i] = v
        return {"dtype": "f64", "rows": rows, "columns": cols, "scale": 0.0,
                "values": raw, "stored": None}
    if dtype == "f32":
        for i, v in special.items():
            raw[i] = v
        return {"dtype": "f32", "rows": rows, "columns": cols, "scale": 0.0,
                "values": [_f32_round(v) for v in raw], "stored": None}
    if dtype == "f16":
        bits = [struct.unpack("<H", struct.pack("<e", v))[0] for v in raw]
        for i, v in special.items():
            bits[i] = v[1] if isinstance(v, tuple) else \
                struct.unpack("<H", struct.pack("<e", v))[0]
        values = [struct.unpack("<e", struct.pack("<H", b))[0] for b in bits]
        return {"dtype": "f16", "rows": rows, "columns": cols, "scale": 0.0,
                "values": values, "stored": bits}
    if dtype == "int8":
        for i, v in special.items():
            raw[i] = v
        return quantize_int8(raw, rows, cols)
    raise ValueError(dtype)


def quantize_int8(raw, rows, cols):
    """Symmetric per-tensor quantisation: scale = f32(max|x| / 127),
    stored = round-half-to-even(x / scale) clamped to [-127, 127]."""
    m = max(abs(v) for v in raw)
    scale = _f32_round(m / 127.0) if m > 0 else 1.0
    stored = [max(-127, min(127, round(v / scale))) for v in raw]
    return {"dtype": "int8", "rows": rows, "columns": cols, "scale": scale,
            "values": [s * scale for s in stored], "stored": stored}


def make_model(version, cost, sizes, acts, dtypes, seed, hyps=None, meta=None,
               history=None, optimizer=None, unknown=None, specials=None, short=True):
    """dtypes: one dtype for all tensors, or a list of 2L dtypes (w0, b0, w1, b1, ...)."""
    rng = LCG(seed)
    L = len(sizes) - 1
    if isinstance(dtypes, str):
        dtypes = [dtypes] * (2 * L)
    specials = specials or {}
    layers = []
    for l in range(L):
        w = make_tensor(dtypes[2 * l], sizes[l + 1], sizes[l], rng, 1.0,
                        specials.get((l, "weights")), short)
        b = make_tensor(dtypes[2 * l + 1], sizes[l + 1], 1, rng, 0.5,
                        specials.get((l, "biases")), short)
        layers.append({"activation": acts[l], "output_size": sizes[l + 1],
                       "weights": w, "biases": b})
    return {"format_version": version, "cost": cost, "input_size": sizes[0],
            "layers": layers, "hyperparameters": hyps or {}, "metadata": meta or {},
            "history": history or [], "optimizer": optimizer or [],
            "unknown_chunks": unknown or [], "sha256": None, "crc32": 0}


def _tv(typ, value):
    return {"type": typ, "value": value}


def standard_hyps(lr=0.5, seed=42):
    return {
        "batch_size": _tv("int64", 10), "early_stop": _tv("int64", 0),
        "epochs": _tv("int64", 30), "init": _tv("string", "scaled-normal"),
        "learning_rate": _tv("float64", lr), "lr_schedule": _tv("string", "constant"),
        "momentum": _tv("float64", 0.0), "seed": _tv("uint64", seed),
        "threads": _tv("int64", 4), "validation_size": _tv("int64", 10000),
        "weight_decay": _tv("float64", 5.0),
    }


def standard_meta(name, labels, width=3, height=2):
    return {
        "created": _tv("string", CREATED), "creator": _tv("string", CREATOR),
        "description": _tv("string", "golden vector " + name),
        "input.height": _tv("int64", height), "input.layout": _tv("string", "row-major"),
        "input.scale_max": _tv("float64", 1.0), "input.scale_min": _tv("float64", 0.0),
        "input.width": _tv("int64", width), "labels": _tv("string_array", labels),
        "test_accuracy": _tv("float64", 0.9612),
        "training_data_sha256": _tv("string", hashlib.sha256(b"fnn golden vectors").hexdigest()),
        "validation_accuracy": _tv("float64", 0.9655),
    }


def standard_history(lr=0.5):
    return [
        {"epoch": 1, "train_cost": 0.6125, "train_accuracy": 0.8125,
         "validation_accuracy": None, "learning_rate": lr, "seconds": 1.25},
        {"epoch": 2, "train_cost": 0.375, "train_accuracy": 0.9,
         "validation_accuracy": 0.9034, "learning_rate": lr, "seconds": 2.5},
    ]


def valid_models():
    """name -> description of each valid golden vector."""
    m = {}
    m["v1-small"] = make_model(1, "quadratic", [4, 3, 2], ["sigmoid"] * 2, "f64", 1,
                               hyps={"learning_rate": _tv("float64", 3.0),
                                     "weight_decay": _tv("float64", 0.0),
                                     "epochs": _tv("int64", 30),
                                     "batch_size": _tv("int64", 10),
                                     "seed": _tv("uint64", 1)}, short=False)
    m["v1-deep"] = make_model(1, "cross-entropy", [5, 4, 3, 2], ["sigmoid"] * 3, "f64", 2,
                              hyps={"learning_rate": _tv("float64", 0.5),
                                    "weight_decay": _tv("float64", 5.0),
                                    "epochs": _tv("int64", 60),
                                    "batch_size": _tv("int64", 10),
                                    "seed": _tv("uint64", 123456789012)}, short=False)
    labels = ["0", "1", "2"]
    sizes = [6, 5, 4, 3]
    m["v2-f64"] = make_model(2, "cross-entropy", sizes, ["sigmoid", "tanh", "softmax"],
                             "f64", 3, standard_hyps(), standard_meta("v2-f64", labels),
                             standard_history(), specials={(1, "weights"): {3: -0.0, 7: 1 / 3, 8: -2.0**-30}})
    m["v2-f32"] = make_model(2, "quadratic", sizes, ["relu", "sigmoid", "sigmoid"], "f32", 4,
                             standard_hyps(3.0, 7), standard_meta("v2-f32", labels),
                             standard_history(3.0), specials={(0, "weights"): {0: 0.1, 1: 1 / 3, 2: -1e-6, 3: -0.0}})
    m["v2-f16"] = make_model(2, "cross-entropy", [6, 4, 4, 3], ["tanh", "relu", "softmax"], "f16", 5,
                             standard_hyps(0.1, 8), standard_meta("v2-f16", labels),
                             standard_history(0.1),
                             specials={(0, "weights"): {0: ("bits", 0x0001),  # 2^-24
                                                        1: ("bits", 0x83FF),  # subnormal
                                                        2: ("bits", 0x8000),  # -0
                                                        3: ("bits", 0x3C01),  # 1 + 2^-10
                                                        4: ("bits", 0x3555),  # ~1/3
                                                        5: ("bits", 0x0400)}})  # 2^-14
    m["v2-int8"] = make_model(2, "cross-entropy", [6, 3, 3, 3], ["relu", "tanh", "sigmoid"], "int8", 6,
                              standard_hyps(0.25, 9), standard_meta("v2-int8", labels),
                              standard_history(0.25))
    m["v2-minimal"] = make_model(2, "quadratic", [3, 4, 2], ["tanh", "sigmoid"], "f64", 7)
    rng = LCG(8)
    mixed = make_model(2, "quadratic", [5, 4, 3], ["tanh", "sigmoid"],
                       ["f16", "int8", "f32", "f64"], 10)
    mixed["optimizer"] = [
        {"layer": 0, "role": "weight_velocity", "tensor": make_tensor("f32", 4, 5, rng, 1.0, short=True)},
        {"layer": 0, "role": "bias_velocity", "tensor": make_tensor("f64", 4, 1, rng, 1.0, short=True)},
        {"layer": 1, "role": "weight_velocity", "tensor": make_tensor("f64", 3, 4, rng, 1.0, short=True)},
        {"layer": 1, "role": "bias_velocity", "tensor": make_tensor("f32", 3, 1, rng, 1.0, {0: 0.1})},
    ]
    mixed["hyperparameters"] = {
        "learning_rate": _tv("float64", 0.125), "momentum": _tv("float64", 0.9),
        "seed": _tv("uint64", 12345678901234567890),
        "x.betas": _tv("float64_array", [0.9, 0.999]),
        "x.nesterov": _tv("bool", True), "x.warmup_epochs": _tv("int64", -3),
    }
    mixed["metadata"] = {
        "creator": _tv("string", CREATOR), "created": _tv("string", CREATED),
        "description": _tv("string", "r\u00e9seau mixte \u2713"),
        "labels": _tv("string_array", ["yes", "no", "maybe"]),
        "x.empty": _tv("string", ""), "x.none": _tv("float64_array", []),
        "x.tags": _tv("string_array", ["mixed", "", "\u00fcnic\u00f6de"]),
        "x_flag": _tv("bool", False),
    }
    mixed["unknown_chunks"] = [{"type": "zzzz", "data_hex": "0102030405"}]
    m["v2-mixed"] = mixed
    m["v2-future"] = make_model(3, "quadratic", [3, 3, 2], ["relu", "sigmoid"], "f32", 11,
                                meta={"creator": _tv("string", "fnn 9.0.0"),
                                      "created": _tv("string", CREATED),
                                      "x.v3_feature": _tv("string", "ignored by v2 readers")},
                                unknown=[{"type": "futr", "data_hex": "00ff00ff"},
                                         {"type": "nEXT", "data_hex": ""}])
    return m


def forward(desc, x):
    """Forward pass in float64 with numpy, from decoded values."""
    import numpy as np
    a = np.array(x, dtype=np.float64)
    for layer in desc["layers"]:
        w = np.array(layer["weights"]["values"], dtype=np.float64).reshape(
            layer["weights"]["rows"], layer["weights"]["columns"])
        b = np.array(layer["biases"]["values"], dtype=np.float64)
        z = w @ a + b
        act = layer["activation"]
        if act == "sigmoid":
            a = 1.0 / (1.0 + np.exp(-z))
        elif act == "tanh":
            a = np.tanh(z)
        elif act == "relu":
            a = np.maximum(0.0, z)
        else:
            e = np.exp(z - np.max(z))
            a = e / np.sum(e)
    return [float(v) for v in a]


def forward_cases(models):
    cases = []
    for name, desc in models.items():
        rng = LCG(1000 + len(cases))
        inputs = [[math.floor(rng.uniform() * 64) / 64.0 for _ in range(desc["input_size"])]
                  for _ in range(3)]
        inputs[0] = [0.0] * desc["input_size"]  # all background
        cases.append({"model": name + ".fnn", "inputs": inputs,
                      "outputs": [forward(desc, x) for x in inputs]})
    return {"cases": cases}


def _patch(b, offset, new):
    b = bytearray(b)
    b[offset:offset + len(new)] = new
    return bytes(b)


def _fix_fend(b, fend_offset):
    """Recompute FEND (digest and CRC) for a file whose FEND is at fend_offset."""
    return b[:fend_offset] + chunk("FEND", hashlib.sha256(b[:fend_offset]).digest())


def _fix_chunk_crc(b, o):
    """Recompute, in the bytearray b, the CRC of the chunk whose length field is at o."""
    n = _u32(b, o)
    b[o + 8 + n:o + 12 + n] = struct.pack("<I", crc32(bytes(b[o + 4:o + 8 + n])))


def _fix_v1_crc(b):
    return b[:-4] + struct.pack("<I", crc32(b[:-4]))


def bad_vectors(models):
    """name -> (bytes, expected error json). Each file has exactly one fault."""
    bad = {}
    mini = models["v2-minimal"]
    mini_layout = []
    mini_b = assemble_v2(header_v2(), v2_chunks(mini), layout=mini_layout)
    assert mini_b == write_bytes(mini)
    # chunk offsets in v2-minimal: ARCH, TENS w0, TENS b0, TENS w1, TENS b1, FEND
    off = {i: o for i, (_, o) in enumerate(mini_layout)}
    fend = off[5]

    def err(code, offset, chunk_type=None):
        return {"error": code, "offset": offset, "chunk": chunk_type}

    def build(chunks, header=None, layout=None):
        return assemble_v2(header or header_v2(), chunks, layout=layout)

    def mini_chunks():
        return v2_chunks(mini)

    # --- signature and header
    bad["bad-signature"] = (_patch(mini_b, 0, b"\x09"), err("bad-signature", 0))
    bad["bad-header-crc"] = (_patch(mini_b, 10, b"\x03"), err("header-crc", 20))
    b = build(mini_chunks(), header_v2(version=3, min_reader=3))
    bad["bad-min-reader"] = (b, err("needs-newer-reader", 12))
    b = build(mini_chunks(), header_v2(min_reader=1))
    bad["bad-min-reader-low"] = (b, err("invalid", 12))
    b = build(mini_chunks(), header_v2(byte_order=0x42))
    bad["bad-byte-order"] = (b, err("invalid", 8))
    b = build(mini_chunks(), header_v2(reserved16=1))
    bad["bad-header-reserved"] = (b, err("invalid", 16))
    bad["bad-short-header"] = (mini_b[:20], err("truncated", 20))

    # --- framing
    f32 = models["v2-f32"]
    lay = []
    f32_b = assemble_v2(header_v2(), v2_chunks(f32), layout=lay)
    t3 = lay[3][1]  # TENS layer 1 weights
    bad["bad-truncated"] = (f32_b[:t3 + 100], err("truncated", t3, "TENS"))
    bad["bad-truncated-boundary"] = (mini_b[:fend], err("truncated", fend))
    b = _patch(mini_b, off[2], struct.pack("<I", 10000))
    bad["bad-chunk-length"] = (b, err("truncated", off[2], "TENS"))
    first_elem = off[1] + 8 + 24 + ((-(off[1] + 8 + 24)) % 64)
    b = bytearray(mini_b)
    b[first_elem + 3] ^= 0x10
    bad["bad-chunk-crc"] = (bytes(b), err("chunk-crc", off[1], "TENS"))
    b = bytearray(mini_b)
    b[fend + 8] ^= 0x01
    b = bytes(b[:fend + 40]) + struct.pack("<I", crc32(bytes(b[fend + 4:fend + 40])))
    bad["bad-sha256"] = (b, err("sha256", fend, "FEND"))
    ch = mini_chunks()
    bad["bad-unknown-critical"] = (build(ch[:3] + [("ZZZZ", b"\x01\x02")] + ch[3:]),
                                   err("needs-newer-reader", off[3], "ZZZZ"))
    bad["bad-chunk-type"] = (build(ch[:3] + [("zz1z", b"")] + ch[3:]),
                             err("invalid", off[3] + 4))
    bad["bad-trailing-data"] = (mini_b + b"\x00\x00\x00\x00",
                                err("structure", len(mini_b)))
    bad["bad-data-after-fend"] = (mini_b + chunk("zzzz", b""),
                                  err("structure", len(mini_b)))

    # --- structure
    bad["bad-arch-not-first"] = (build([ch[1], ch[0]] + ch[2:]), err("structure", 24, "TENS"))
    lay = []
    b = build(ch[:3] + ch[4:], layout=lay)
    bad["bad-missing-tensor"] = (b, err("structure", lay[-1][1], "FEND"))
    lay = []
    b = build(ch + [("TENS", tensor_data(0, 2, mini["layers"][0]["biases"]))], layout=lay)
    bad["bad-duplicate-tensor"] = (b, err("structure", lay[5][1], "TENS"))
    meta = kv_data({"creator": _tv("string", CREATOR)})
    lay = []
    b = build(ch + [("meta", meta), ("meta", meta)], layout=lay)
    bad["bad-duplicate-meta"] = (b, err("structure", lay[6][1], "meta"))
    lay = []
    b = build(ch + [("ARCH", ch[0][1])], layout=lay)
    bad["bad-second-arch"] = (b, err("structure", lay[5][1], "ARCH"))
    opt = [("optm", tensor_data(0, 3, make_tensor("f32", 4, 3, LCG(5), 0.01)))]
    lay = []
    b = build(ch + opt, layout=lay)
    bad["bad-optm-partial"] = (b, err("structure", lay[-1][1], "FEND"))
    opt = [("optm", tensor_data(0, 3, make_tensor("f16", 4, 3, LCG(5), 0.01)))]
    lay = []
    b = build(ch + opt, layout=lay)
    bad["bad-optm-dtype"] = (b, err("invalid", lay[5][1] + 8 + 5, "optm"))

    # --- ARCH content
    arch65 = struct.pack("<IIB3x", 65, 3, 1) + struct.pack("<IB3x", 1, 1) * 65
    bad["bad-limit-layers"] = (build([("ARCH", arch65)]), err("limit", 32, "ARCH"))
    soft = dict(mini, layers=[dict(mini["layers"][0], activation="softmax"),
                              dict(mini["layers"][1], activation="softmax")])
    bad["bad-softmax-hidden"] = (build(v2_chunks(soft)), err("invalid", 32 + 16, "ARCH"))
    big = _patch(ch[0][1], 12, struct.pack("<I", 65537))
    bad["bad-limit-size"] = (build([("ARCH", big)] + ch[1:]), err("limit", 32 + 12, "ARCH"))
    b = _patch(ch[0][1], 8, b"\x03")
    bad["bad-cost"] = (build([("ARCH", b)] + ch[1:]), err("invalid", 32 + 8, "ARCH"))

    # --- TENS content
    w1 = dict(mini["layers"][1]["weights"])
    w1["values"] = w1["values"][:5] + [math.nan] + w1["values"][6:]
    nch = v2_chunks(mini)
    nch[3] = ("TENS", tensor_data(1, 1, w1, allow_nonfinite=True))
    lay = []
    b = build(nch, layout=lay)
    d0 = lay[3][1] + 8
    bad["bad-nan"] = (b, err("invalid", d0 + 24 + ((-(d0 + 24)) % 64) + 5 * 8, "TENS"))
    f16t = make_tensor("f16", 4, 1, LCG(3), 0.5, {2: ("bits", 0xFC00)})  # -infinity
    nch = v2_chunks(mini)
    nch[2] = ("TENS", tensor_data(0, 2, f16t, allow_nonfinite=True))
    lay = []
    b = build(nch, layout=lay)
    d0 = lay[2][1] + 8
    bad["bad-f16-inf"] = (b, err("invalid", d0 + 24 + ((-(d0 + 24)) % 64) + 2 * 2, "TENS"))
    # misaligned: padding P off by 8 for layer 0 weights; later tensors realigned
    correct = (-(off[1] + 8 + 24)) % 64
    nch = v2_chunks(mini)
    nch[1] = ("TENS", tensor_data(0, 1, mini["layers"][0]["weights"], pad=(correct + 8) % 64))
    bad["bad-alignment"] = (build(nch), err("invalid", off[1] + 8 + 20, "TENS"))
    # nonzero padding byte
    b = bytearray(mini_b)
    b[off[1] + 8 + 24] = 0x01  # padding of the first TENS is non-empty here
    assert correct > 0
    _fix_chunk_crc(b, off[1])
    bad["bad-padding"] = (_fix_fend(bytes(b), fend), err("invalid", off[1] + 8 + 24, "TENS"))
    # scale non-zero for f64
    b = bytearray(mini_b)
    b[off[2] + 8 + 16:off[2] + 8 + 20] = struct.pack("<f", 1.0)
    _fix_chunk_crc(b, off[2])
    bad["bad-scale-nonzero"] = (_fix_fend(bytes(b), fend),
                                err("invalid", off[2] + 8 + 16, "TENS"))
    # int8 with scale 0
    i8 = make_tensor("int8", 4, 1, LCG(12), 0.5)
    nch = v2_chunks(mini)

    def zero_scale(o, t=i8):
        data = bytearray(tensor_data(0, 2, t)(o))
        data[16:20] = b"\x00\x00\x00\x00"
        return bytes(data)
    nch[2] = ("TENS", zero_scale)
    bad["bad-int8-scale"] = (build(nch), err("invalid", off[2] + 8 + 16, "TENS"))
    nch = v2_chunks(mini)
    nch[4] = ("TENS", tensor_data(2, 2, mini["layers"][1]["biases"]))
    bad["bad-tensor-layer"] = (build(nch), err("invalid", off[4] + 8, "TENS"))
    # shape: layer 1 biases stored as 1 x 2 instead of 2 x 1 (same length)
    bt = dict(mini["layers"][1]["biases"], rows=1, columns=2)
    nch = v2_chunks(mini)
    nch[4] = ("TENS", tensor_data(1, 2, bt))
    bad["bad-shape"] = (build(nch), err("invalid", off[4] + 8 + 8, "TENS"))
    # TENS data one byte longer than its header says
    nch = v2_chunks(mini)
    nch[4] = ("TENS", lambda o: tensor_data(1, 2, mini["layers"][1]["biases"])(o) + b"\x00")
    bad["bad-tensor-length"] = (build(nch), err("invalid", off[4], "TENS"))

    # --- key-value and history content
    def with_chunk(typ, data):
        lay = []
        b = build(mini_chunks() + [(typ, data)], layout=lay)
        return b, lay[5][1]

    def entry(key, typ, value):
        kb = key.encode("ascii")
        return struct.pack("<B", len(kb)) + kb + kv_value(typ, value)

    def raw_kv(*entries):
        return struct.pack("<I", len(entries)) + b"".join(entries)

    e1 = entry("creator", "string", CREATOR)
    e2 = entry("created", "string", CREATED)
    b, o = with_chunk("meta", raw_kv(e1, e2))
    bad["bad-unsorted-keys"] = (b, err("invalid", o + 8 + 4 + len(e1) + 1, "meta"))
    b, o = with_chunk("meta", raw_kv(e2, e2))
    bad["bad-duplicate-key"] = (b, err("invalid", o + 8 + 4 + len(e2) + 1, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("Labels", "string_array", ["a", "b"])))
    bad["bad-key-charset"] = (b, err("invalid", o + 8 + 4 + 1, "meta"))
    b, o = with_chunk("hyps", raw_kv(entry("learning_rate", "string", "0.5")))
    bad["bad-known-key-type"] = (b, err("invalid", o + 8 + 4 + 1 + 13, "hyps"))
    b, o = with_chunk("hyps", struct.pack("<I", 4097) + entry("x", "bool", True))
    bad["bad-limit-entries"] = (b, err("limit", o + 8, "hyps"))
    b, o = with_chunk("hyps", raw_kv(b"\x00" + kv_value("string", "ab")))
    bad["bad-key-length"] = (b, err("limit", o + 8 + 4, "hyps"))
    b, o = with_chunk("hyps", raw_kv(entry("x.flag", "bool", True)[:-1] + b"\x02"))
    bad["bad-bool"] = (b, err("invalid", o + 8 + 4 + 1 + 6 + 1, "hyps"))
    b, o = with_chunk("meta", raw_kv(entry("description", "string", "caf\u00e9")[:-1] + b"\xff"))
    bad["bad-utf8"] = (b, err("invalid", o + 8 + 4 + 1 + 11 + 1 + 4, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("creator", "string", CREATOR)) + b"\x00")
    bad["bad-kv-length"] = (b, err("invalid", o, "meta"))
    hist = hist_data(standard_history())
    b, o = with_chunk("hist", hist[:-48])
    bad["bad-hist-length"] = (b, err("invalid", o, "hist"))
    hb = _patch(hist, 4 + 48 + 4, b"\x01")
    b, o = with_chunk("hist", hb)
    bad["bad-hist-reserved"] = (b, err("invalid", o + 8 + 4 + 48 + 4, "hist"))

    # --- sizes that overflow a 64-bit product, with every checksum recomputed
    b = bytearray(mini_b)
    b[off[1] + 8 + 8:off[1] + 8 + 16] = b"\xff" * 8  # rows = columns = 2^32 - 1
    _fix_chunk_crc(b, off[1])
    bad["bad-tensor-overflow"] = (_fix_fend(bytes(b), fend), err("limit", off[1] + 8 + 8, "TENS"))

    # --- the input contract in meta
    inputs = mini["input_size"]
    height = entry("input.height", "int64", 1)
    b, o = with_chunk("meta", raw_kv(height, entry("input.width", "int64", -28)))
    bad["bad-input-width"] = (b, err("invalid", o + 8 + 4 + len(height) + 1 + 11, "meta"))
    height = entry("input.height", "int64", 2)
    b, o = with_chunk("meta", raw_kv(height, entry("input.width", "int64", inputs)))
    bad["bad-input-size"] = (b, err("invalid", o + 8 + 4 + len(height) + 1 + 11, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("input.height", "int64", 1)))
    bad["bad-input-height-alone"] = (b, err("invalid", o + 8 + 4 + 1 + 12, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("input.layout", "string", "column-major")))
    bad["bad-input-layout"] = (b, err("invalid", o + 8 + 4 + 1 + 12, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("input.scale_min", "float64", float("nan"))))
    bad["bad-input-scale-nan"] = (b, err("invalid", o + 8 + 4 + 1 + 15, "meta"))
    b, o = with_chunk("meta", raw_kv(entry("input.scale_max", "float64", 0.0)))
    bad["bad-input-scale-equal"] = (b, err("invalid", o + 8 + 4 + 1 + 15, "meta"))

    # --- version 1
    v1 = write_bytes(models["v1-small"])
    h = 12 + 4 * 2
    b = bytearray(v1)
    b[h + 40 + 8 * 3 + 6] ^= 0x04  # a bit in layer 0's first weight
    bad["bad-v1-crc"] = (bytes(b), err("file-crc", len(v1) - 4))
    bad["bad-v1-truncated"] = (v1[:-10], err("truncated", len(v1) - 10))
    bad["bad-v1-short"] = (v1[:10], err("truncated", 10))
    bad["bad-v1-long"] = (v1 + b"\x00", err("structure", len(v1)))
    b = _fix_v1_crc(_patch(v1, h + 3, b"\x01"))
    bad["bad-v1-reserved"] = (b, err("invalid", h + 1))
    b = _fix_v1_crc(_patch(v1, h, b"\x00"))
    bad["bad-v1-cost"] = (b, err("invalid", h))
    nan_at = h + 40 + 8 * (3 + 12 + 1)  # layer 1 biases[1]
    b = _fix_v1_crc(_patch(v1, nan_at, struct.pack("<d", math.inf)))
    bad["bad-v1-inf"] = (b, err("invalid", nan_at))
    b = _fix_v1_crc(_patch(v1, 8 + 4, struct.pack("<I", 0)))
    bad["bad-v1-size-zero"] = (b, err("limit", 12))
    sizes = [1] * 66
    b = MAGIC_V1 + struct.pack("<I66I", 65, *sizes) + struct.pack("<B7xddIIQ", 1, 0, 0, 0, 0, 0)
    b += struct.pack("<d", 0.0) * (2 * 65)
    bad["bad-v1-limit-layers"] = (b + struct.pack("<I", crc32(b)), err("limit", 4))
    return bad


def _write_text(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def make_vectors(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    models = valid_models()
    described = {}
    for name, desc in models.items():
        data = write_bytes(desc)
        got = read_bytes(data)
        if write_bytes(got) != data:
            raise AssertionError("round trip failed for " + name)
        described[name] = got
        with open(os.path.join(out_dir, name + ".fnn"), "wb") as f:
            f.write(data)
        _write_text(os.path.join(out_dir, name + ".json"), to_json(got) + "\n")
    for name, (data, expected) in bad_vectors(models).items():
        try:
            read_bytes(data)
            raise AssertionError(name + " was read as valid")
        except FnnError as e:
            if e.as_json() != expected:
                raise AssertionError("%s: expected %r, reader says %r"
                                     % (name, expected, e.as_json()))
        with open(os.path.join(out_dir, name + ".fnn"), "wb") as f:
            f.write(data)
        _write_text(os.path.join(out_dir, name + ".json"), json.dumps(expected) + "\n")
    _write_text(os.path.join(out_dir, "forward.json"),
                to_json(forward_cases(described)) + "\n")


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

def main(argv):
    usage = __doc__.split("Usage:")[1].split("The JSON")[0]
    if len(argv) == 2 and argv[0] == "read":
        try:
            desc = read_file(argv[1])
        except FnnError as e:
            print(error_json(e))
            return 1
        print(to_json(desc))
        return 0
    if len(argv) == 3 and argv[0] == "write":
        with open(argv[1], encoding="utf-8") as f:
            desc = json.load(f)
        data = write_bytes(desc)
        with open(argv[2], "wb") as f:
            f.write(data)
        return 0
    if len(argv) == 2 and argv[0] == "make-vectors":
        make_vectors(argv[1])
        return 0
    sys.stderr.write("usage:" + usage)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
