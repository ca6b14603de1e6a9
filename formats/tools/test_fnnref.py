"""Self-checks of fnnref.py against the golden vectors in ../vectors.

Run from the repository root:  python3 -m pytest -q formats/tools/test_fnnref.py
"""

import json
import math
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(os.path.dirname(HERE), "vectors")
sys.path.insert(0, HERE)

import fnnref  # noqa: E402

ALL_CODES = {"bad-signature", "truncated", "header-crc", "file-crc", "chunk-crc", "sha256",
             "needs-newer-reader", "limit", "invalid", "structure"}


def _names(bad):
    return sorted(f[:-4] for f in os.listdir(VECTORS)
                  if f.endswith(".fnn") and f.startswith("bad-") == bad)


VALID = _names(False)
BAD = _names(True)


def _bytes(name):
    with open(os.path.join(VECTORS, name + ".fnn"), "rb") as f:
        return f.read()


def _text(name):
    with open(os.path.join(VECTORS, name), encoding="utf-8") as f:
        return f.read()


def test_crc32_check_value():
    assert fnnref.crc32(b"123456789") == 0xCBF43926


def test_vector_set_is_complete():
    for name in ("v1-small", "v1-deep", "v2-f64", "v2-f32", "v2-f16", "v2-int8",
                 "v2-minimal", "v2-mixed", "v2-future"):
        assert name in VALID
    for name in ("signature", "truncated", "truncated-boundary", "header-crc", "chunk-crc",
                 "sha256", "min-reader", "unknown-critical", "v1-crc", "v1-truncated",
                 "limit-layers", "trailing-data", "nan", "alignment", "missing-tensor",
                 "softmax-hidden", "unsorted-keys"):
        assert "bad-" + name in BAD
    codes = {json.loads(_text(n + ".json"))["error"] for n in BAD}
    assert codes == ALL_CODES


@pytest.mark.parametrize("name", VALID)
def test_read_valid(name):
    desc = fnnref.read_bytes(_bytes(name))
    text = _text(name + ".json")
    assert fnnref.to_json(desc) + "\n" == text
    assert json.loads(fnnref.to_json(desc)) == json.loads(text)


@pytest.mark.parametrize("name", VALID)
def test_write_valid(name):
    desc = json.loads(_text(name + ".json"))
    assert fnnref.write_bytes(desc) == _bytes(name)


@pytest.mark.parametrize("name", BAD)
def test_read_bad(name):
    expected = json.loads(_text(name + ".json"))
    with pytest.raises(fnnref.FnnError) as e:
        fnnref.read_bytes(_bytes(name))
    assert e.value.as_json() == expected


def test_vectors_are_small():
    for f in os.listdir(VECTORS):
        if f != "README.md":
            assert os.path.getsize(os.path.join(VECTORS, f)) < 5000, f


def _flips_and_cuts(data):
    for i in range(len(data)):
        for bit in range(8):
            b = bytearray(data)
            b[i] ^= 1 << bit
            yield "flip byte %d bit %d" % (i, bit), bytes(b)
    for n in range(len(data)):
        yield "cut at %d" % n, data[:n]


@pytest.mark.parametrize("name", ["v1-small", "v1-deep", "v2-f16", "v2-mixed"])
def test_every_bit_flip_and_truncation_is_caught(name):
    data = _bytes(name)
    fnnref.read_bytes(data)
    for what, damaged in _flips_and_cuts(data):
        try:
            fnnref.read_bytes(damaged)
        except fnnref.FnnError as e:
            assert e.code in ALL_CODES
            assert 0 <= e.offset <= len(damaged)
        else:
            pytest.fail("%s: %s was read as valid" % (name, what))


def test_make_vectors_is_reproducible(tmp_path):
    pytest.importorskip("numpy")
    fnnref.make_vectors(str(tmp_path))
    made = sorted(os.listdir(tmp_path))
    have = sorted(f for f in os.listdir(VECTORS) if f != "README.md")
    assert made == have
    for f in made:
        with open(os.path.join(tmp_path, f), "rb") as a, \
                open(os.path.join(VECTORS, f), "rb") as b:
            assert a.read() == b.read(), f


def _forward_plain(desc, x):
    """Forward pass in plain Python, to cross-check the numpy references."""
    a = list(x)
    for layer in desc["layers"]:
        w, b = layer["weights"], layer["biases"]
        cols = w["columns"]
        z = [math.fsum([w["values"][j * cols + i] * a[i] for i in range(cols)] + [b["values"][j]])
             for j in range(w["rows"])]
        act = layer["activation"]
        if act == "sigmoid":
            a = [1.0 / (1.0 + math.exp(-v)) for v in z]
        elif act == "tanh":
            a = [math.tanh(v) for v in z]
        elif act == "relu":
            a = [max(0.0, v) for v in z]
        else:
            m = max(z)
            e = [math.exp(v - m) for v in z]
            s = math.fsum(e)
            a = [v / s for v in e]
    return a


def test_forward_references():
    cases = json.loads(_text("forward.json"))["cases"]
    assert sorted(c["model"] for c in cases) == sorted(n + ".fnn" for n in VALID)
    for case in cases:
        desc = fnnref.read_bytes(_bytes(case["model"][:-4]))
        assert len(case["inputs"]) == len(case["outputs"]) >= 3
        for x, y in zip(case["inputs"], case["outputs"]):
            assert len(x) == desc["input_size"]
            got = _forward_plain(desc, x)
            assert len(got) == len(y)
            for g, v in zip(got, y):
                assert abs(g - v) <= 1e-14, (case["model"], g, v)


def _cli(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "fnnref.py")] + list(args),
                          capture_output=True, text=True)


def test_cli(tmp_path):
    r = _cli("read", os.path.join(VECTORS, "v2-mixed.fnn"))
    assert r.returncode == 0
    assert r.stdout == _text("v2-mixed.json")
    r = _cli("read", os.path.join(VECTORS, "bad-nan.fnn"))
    assert r.returncode == 1
    assert json.loads(r.stdout) == json.loads(_text("bad-nan.json"))
    out = tmp_path / "out.fnn"
    r = _cli("write", os.path.join(VECTORS, "v1-deep.json"), str(out))
    assert r.returncode == 0
    assert out.read_bytes() == _bytes("v1-deep")
