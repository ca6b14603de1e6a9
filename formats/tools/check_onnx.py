#!/usr/bin/env python3
"""Checks fnn's ONNX export with the real clients: `onnx.checker` and onnxruntime.

For every hidden activation (sigmoid, tanh, relu), output (sigmoid, softmax), depth (no,
one and two hidden layers) and number type (f64, f32, f16, int8), it trains a small model
with fnn on MNIST, exports it with `fnn convert MODEL OUT.onnx`, checks the file with
`onnx.checker.check_model(full_check=True)`, runs it with onnxruntime on the 10,000 MNIST
test images, and compares with `fnn predict` on the same images (written as PNGs, which
reach the network bit for bit): the predictions must be identical and the probabilities
within 1e-5. (A "prediction" that differs only where the two best probabilities are
within 1e-6 of each other, a tie at float32 precision, is reported but not counted as a
disagreement.)

    python3 -m pip install onnx onnxruntime
    python3 formats/tools/check_onnx.py [--fnn .build/release/fnn] [--data DIR]
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0,):
        sys.exit(f"{' '.join(command)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def test_images(data):
    name = os.path.join(data, "t10k-images-idx3-ubyte")
    raw = gzip.open(name + ".gz").read() if os.path.exists(name + ".gz") else open(name, "rb").read()
    return np.frombuffer(raw, np.uint8, offset=16).reshape(-1, 784)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    args = parser.parse_args()
    fnn = args.fnn

    pixels = test_images(args.data)
    inputs = pixels.astype(np.float32) / np.float32(255)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as folder:
        pngs = os.path.join(folder, "png")
        run([fnn, "export-png", "--data", args.data, pngs])
        # The PNG of test image i is <label>/<i>.png.
        setups = [("none", output, [784, 10]) for output in ("sigmoid", "softmax")]
        for hidden in ("sigmoid", "tanh", "relu"):
            for output in ("sigmoid", "softmax"):
                setups.append((hidden, output, [784, 24, 10]))
                setups.append((hidden, output, [784, 24, 16, 10]))
        print(f"{'hidden':<8} {'output':<8} {'layers':<16} {'type':<5} {'agree':>6} {'ties':>5} {'max |Δp|':>10}  result")
        for hidden, output, sizes in setups:
            base = os.path.join(folder, f"{hidden}-{output}-{len(sizes)}.fnn")
            run([fnn, "train", "--data", args.data, "--output", base, "--layers", ",".join(map(str, sizes)),
                 "--activation", "relu" if hidden == "none" else hidden, "--output-activation", output, "--cost", "cross-entropy",
                 "--epochs", "1", "--validation", "50000", "--threads", "2", "--plain"])
            for dtype in ("f64", "f32", "f16", "int8"):
                model = base.replace(".fnn", f"-{dtype}.fnn")
                run([fnn, "convert", base, model, "--dtype", dtype])
                exported = model.replace(".fnn", ".onnx")
                run([fnn, "convert", model, exported])
                onnx.checker.check_model(onnx.load(exported), full_check=True)
                session = onnxruntime.InferenceSession(exported, providers=["CPUExecutionProvider"])
                theirs = session.run(["probabilities"], {"input": inputs})[0].astype(np.float64)
                lines = run([fnn, "predict", "--model", model, "--format", "jsonl", pngs]).splitlines()
                ours = np.zeros_like(theirs)
                for line in lines:
                    row = json.loads(line)
                    index = int(os.path.basename(row["path"])[:-4])
                    ours[index] = row["probabilities"]
                largest = float(np.abs(ours - theirs).max())
                ours_best, theirs_best = ours.argmax(axis=1), theirs.argmax(axis=1)
                differ = np.nonzero(ours_best != theirs_best)[0]
                top2 = np.sort(ours, axis=1)[:, -2:]
                ties = [i for i in differ if top2[i, 1] - top2[i, 0] < 1e-6]
                disagreements = len(differ) - len(ties)
                ok = disagreements == 0 and largest <= 1e-5
                passed += ok
                failed += not ok
                layers = "x".join(map(str, sizes))
                print(f"{hidden:<8} {output:<8} {layers:<16} {dtype:<5} {len(ours) - len(differ):>6} {len(ties):>5} "
                      f"{largest:>10.2e}  {'ok' if ok else 'FAILED'}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
