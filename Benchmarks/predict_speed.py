#!/usr/bin/env python3
"""fnn's batch-classification benchmark.

Writes the 10,000 MNIST test images as PNG files, then prints in one run: fnn predict's
files per second end to end (process start, reading, decoding, normalising, the network,
writing the CSV), the floor of merely reading those files, and a Python Pillow + NumPy
pipeline doing the same work (decode, grey, MNIST-style normalisation, the same network
on batches, on all cores), with the ratios and peak memory. It then does the same for
300 × 300 scans (dark ink on light paper).

    Benchmarks/predict_speed.py [--data DIR] [--fnn PATH] [--model FILE] [--scans N]

Needs Pillow for the reference pipeline (`pip install pillow`).
"""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "formats", "tools"))
import fnnref  # noqa: E402  (the format's reference reader, to load the same weights)


def list_files(folder):
    paths = []
    for root, _, names in os.walk(folder):
        paths += [os.path.join(root, n) for n in names if n.endswith(".png")]
    return sorted(paths)


def read_all(paths):
    for path in paths:
        with open(path, "rb") as f:
            f.read()


def measured(command):
    """Runs a command; returns (seconds, peak MiB)."""
    with tempfile.NamedTemporaryFile(mode="r") as report:
        start = time.perf_counter()
        result = subprocess.run(["/usr/bin/time", "-o", report.name, "-f", "%M"] + command, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        if result.returncode not in (0, 2):
            sys.exit(f"{' '.join(command)} failed:\n{result.stderr}")
        peak = int(report.read().strip().splitlines()[-1]) / 1024
    return seconds, peak


# --- The Pillow + NumPy reference pipeline -------------------------------------------

def normalise(path):
    from PIL import Image
    image = np.asarray(Image.open(path).convert("L"), dtype=np.float32)
    if image.shape == (28, 28) and image[0].mean() < 32:
        return image.reshape(784) / 255
    border = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    if border.mean() > 127:
        image, border = 255 - image, 255 - border
    ink = np.clip(image - np.median(border), 0, None)
    peak = ink.max()
    if peak < 40:
        return None
    ys, xs = np.nonzero(ink >= peak / 4)
    crop = ink[ys.min():ys.max() + 1, xs.min():xs.max() + 1] * (255 / peak)
    h, w = crop.shape
    scale = 20 / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    small = np.asarray(Image.fromarray(crop.astype(np.uint8)).resize(size, Image.BOX), dtype=np.float32)
    mass = small.sum()
    cy = (small.sum(axis=1) * (np.arange(small.shape[0]) + 0.5)).sum() / mass
    cx = (small.sum(axis=0) * (np.arange(small.shape[1]) + 0.5)).sum() / mass
    out = np.zeros((28, 28), np.float32)
    oy, ox = int(round(14 - cy)), int(round(14 - cx))
    for y in range(small.shape[0]):
        if 0 <= y + oy < 28:
            for x in range(small.shape[1]):
                if 0 <= x + ox < 28:
                    out[y + oy, x + ox] = small[y, x]
    return out.reshape(784) / 255


def normalise_chunk(paths):
    return [normalise(p) for p in paths]


def reference_pipeline(paths, layers, workers):
    chunks = [paths[i::workers] for i in range(workers)]
    with concurrent.futures.ProcessPoolExecutor(workers) as pool:
        parts = list(pool.map(normalise_chunk, chunks))
    inputs = [None] * len(paths)
    for worker, part in enumerate(parts):
        for offset, vector in enumerate(part):
            inputs[worker + offset * workers] = vector
    good = np.stack([v for v in inputs if v is not None])
    a = good
    for w, b, activation in layers:
        z = a @ w.T + b
        if activation == "relu":
            a = np.maximum(z, 0)
        elif activation == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            a = e / e.sum(axis=1, keepdims=True)
        else:
            a = 1 / (1 + np.exp(-z))
    return a.argmax(axis=1)


def load_layers(path):
    with open(path, "rb") as f:
        model = fnnref.read_bytes(f.read()) if hasattr(fnnref, "read_bytes") else None
    if model is None:
        out = subprocess.run([sys.executable, os.path.join(ROOT, "formats", "tools", "fnnref.py"), "read", path],
                             capture_output=True, text=True, check=True).stdout
        model = json.loads(out)
    layers = []
    for layer in model["layers"]:
        w = np.array(layer["weights"]["values"], np.float32).reshape(layer["weights"]["rows"], layer["weights"]["columns"])
        b = np.array(layer["biases"]["values"], np.float32)
        layers.append((w, b, layer["activation"]))
    return layers


def reference_run(paths, model, workers):
    """The Pillow + NumPy pipeline in its own process, for a fair peak-memory figure."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(paths, f)
        listing = f.name
    try:
        return measured([sys.executable, __file__, "--reference", listing, "--model", model, "--workers", str(workers)])
    finally:
        os.unlink(listing)


def write_scans(folder, data, count):
    """300 × 300 scans: test digits scaled up, dark ink on noisy light paper, off-centre."""
    from PIL import Image
    import gzip
    with gzip.open(os.path.join(data, "t10k-images-idx3-ubyte.gz")) as f:
        pixels = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)
    rng = np.random.default_rng(5)
    os.makedirs(folder, exist_ok=True)
    for index in range(count):
        digit = Image.fromarray(pixels[index]).resize((180, 180), Image.BILINEAR)
        paper = rng.integers(232, 256, (300, 300)).astype(np.uint8)
        x, y = rng.integers(0, 120, 2)
        region = paper[y:y + 180, x:x + 180]
        paper[y:y + 180, x:x + 180] = np.minimum(region, 255 - np.asarray(digit))
        Image.fromarray(paper).convert("RGB").save(os.path.join(folder, f"{index:05d}.png"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.path.join(ROOT, "..", "shared", "datasets", "mnist"))
    parser.add_argument("--fnn", default=os.path.join(ROOT, ".build", "release", "fnn"))
    parser.add_argument("--model", default=os.path.join(ROOT, "samples", "model", "mnist.fnn"))
    parser.add_argument("--scans", type=int, default=1000, help="how many 300 × 300 scans")
    parser.add_argument("--reference", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=os.cpu_count(), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.reference:
        with open(args.reference) as f:
            paths = json.load(f)
        reference_pipeline(paths, load_layers(args.model), args.workers)
        return 0

    if not os.path.exists(args.fnn):
        subprocess.run(["swift", "build", "-c", "release", "--product", "fnn"], cwd=ROOT, check=True)
    workers = os.cpu_count()
    print(f"cores: {workers}; model: {args.model}\n")
    with tempfile.TemporaryDirectory() as folder:
        mnist = os.path.join(folder, "mnist")
        subprocess.run([args.fnn, "export-png", "--data", args.data, mnist], check=True, capture_output=True)
        scans = os.path.join(folder, "scans")
        write_scans(scans, args.data, args.scans)
        header = f"{'images':<22} {'files':>6} {'read floor':>12} {'fnn predict':>12} {'Pillow+NumPy':>13} {'fnn/Pillow':>10} {'fnn MiB':>8} {'Pillow MiB':>10}"
        print(header)
        print("-" * len(header))
        for name, location in [("28 × 28 MNIST PNGs", mnist), ("300 × 300 scans", scans)]:
            paths = list_files(location)
            subprocess.run(["sync"])
            start = time.perf_counter()
            read_all(paths)
            floor = len(paths) / (time.perf_counter() - start)
            seconds, fnn_peak = measured([args.fnn, "predict", "--model", args.model, location, "--output",
                                          os.path.join(folder, "out.csv"), "--force"])
            fnn_rate = len(paths) / seconds
            ref_seconds, ref_peak = reference_run(paths, args.model, workers)
            ref_rate = len(paths) / ref_seconds
            print(f"{name:<22} {len(paths):>6} {floor:>10.0f}/s {fnn_rate:>10.0f}/s {ref_rate:>11.0f}/s "
                  f"{fnn_rate / ref_rate:>9.1f}× {fnn_peak:>8.0f} {ref_peak:>10.0f}")
    print("\nfiles per second, end to end (process start to results written); read floor: reading the files only")
    print("target: at least 60,000 files/s for the 28 × 28 PNGs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
