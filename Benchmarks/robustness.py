#!/usr/bin/env python3
"""fnn's robustness benchmark: accuracy on distorted copies of the MNIST test set.

Builds test sets of our own from the 10,000 MNIST *test* images (never the training
images), writes each as plain IDX files, runs `fnn evaluate MODEL --images ... --labels
... --json` on every set for every model, and prints a Markdown table of accuracies (one
row per set, one column per model) with the machine and the seed on top.

    Benchmarks/robustness.py --fnn .build/release/fnn --data ~/mnist MODEL [MODEL...]
        [--names a,b] [--seed 2026] [--limit N] [--keep DIR] [--json]

Only NumPy is needed; every transform is written here by hand. Random parameters are
drawn per image from numpy.random.Generator(PCG64) seeded with SeedSequence([seed, k]),
where k is the set's fixed number below, so a set's images depend only on the seed and
the set (not on which other sets exist), and --limit N gives the first N images of the
full run. All outputs are uint8 28 x 28 (rounded to the nearest grey level and clipped
to 0-255) with the test labels unchanged. Coordinates: pixel (row y, column x) has its
centre at (y, x); the image centre is (13.5, 13.5).

The sets (k, name: what is done)
  0 clean       the test images as they are, for reference.
  1 rotation    rotated by an angle drawn uniformly from [-20, +20] degrees about the
                image centre (positive = anticlockwise as displayed), bilinear
                resampling, pixels that come from outside the image are 0.
  2 scale       scaled by a factor drawn uniformly from [0.7, 1.3] about the image's
                centre of mass (intensity weighted; the image centre for a blank
                image), bilinear, outside = 0.
  3 thick       strokes thickened: grey dilation (maximum) over a 3 x 3 cross
                (the pixel and its 4 neighbours), zero outside the image.
  4 thin        strokes thinned: grey erosion (minimum) over the same 3 x 3 cross,
                zero outside the image. So that thin digits don't vanish: if the
                erosion keeps less than 10 % of an image's ink (sum of grey levels),
                that image gets the mean of itself and its erosion instead (which
                keeps at least half its ink). The number of such images is reported
                on stderr.
  5 elastic     Simard-style elastic distortion: per image two fields of
                uniform(-1, 1) displacements, each smoothed by a Gaussian of
                sigma = 5 px (separable convolution, kernel truncated at 4 sigma and
                normalised, zero outside the field), multiplied by alpha = 38;
                pixel p is read from p + displacement, bilinear, outside = 0.
                (Deliberately not the sigma 4 / alpha 34 of fnn's training
                augmentation.)
  6 low-res     area (box) averaged down to 14 x 14 (2 x 2 blocks), then back up to
                28 x 28 by bilinear interpolation (pixel centres aligned, edges
                clamped).
  7 low-res-10  the same at 10 x 10 (area weighted averaging: each small pixel
                averages the 2.8 x 2.8 big pixels it covers, partly covered pixels
                by their covered fraction), then bilinear back to 28 x 28.
  8 blur        JPEG-like: Gaussian blur sigma = 1.0 (separable, truncated at 4
                sigma, normalised, zero outside), rounded to grey levels; then
                baseline-JPEG style compression: level shift by -128, the image
                padded to 32 x 32 by repeating its last row/column (as JPEG
                encoders do), each 8 x 8 block put through an orthonormal 2-D
                DCT-II, coefficients divided by the standard JPEG luminance table
                (ITU T.81 Annex K, i.e. quality 50, scale 100 %), rounded and
                multiplied back, inverse DCT, +128, cropped to 28 x 28.

At start a self-check asserts that every transform maps an all-zero image to all
zeros, that identity parameters (angle 0, scale 1, elastic alpha 0) reproduce test
images to within 1 grey level, that a 90 degree rotation is the exact pixel rotation,
and that the DCT matrix is orthonormal; a broken transform fails loudly.
"""
import argparse
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

import numpy as np

SIZE = 28
CENTRE = (SIZE - 1) / 2.0  # 13.5
CHUNK = 2000  # images per block in the resampler, to bound memory

ROTATION_DEGREES = 20.0
SCALE_RANGE = (0.7, 1.3)
THIN_MIN_INK = 0.10
ELASTIC_SIGMA = 5.0
ELASTIC_ALPHA = 38.0
BLUR_SIGMA = 1.0

# Standard JPEG luminance quantisation table (ITU-T T.81, Annex K, Table K.1).
JPEG_LUMINANCE = np.array([
    [16, 11, 10, 16, 24, 40, 51, 61],
    [12, 12, 14, 19, 26, 58, 60, 55],
    [14, 13, 16, 24, 40, 57, 69, 56],
    [14, 17, 22, 29, 51, 87, 80, 62],
    [18, 22, 37, 56, 68, 109, 103, 77],
    [24, 35, 55, 64, 81, 104, 113, 92],
    [49, 64, 78, 87, 103, 121, 120, 101],
    [72, 92, 95, 98, 112, 100, 103, 99],
], dtype=np.float64)


# --- IDX reading and writing -----------------------------------------------------------

def read_idx(path, magic, dims):
    """Reads an IDX file (plain or gzip); checks the magic number and the trailing
    dimensions; returns a uint8 array of shape (n,) + dims."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        sys.exit(f"error: cannot read {path}: {error}")
    header = 4 * (2 + len(dims))
    if len(data) < header:
        sys.exit(f"error: {path} is too short to be an IDX file ({len(data)} bytes)")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        sys.exit(f"error: {path} has magic number 0x{found:08X}, expected 0x{magic:08X}")
    shape = struct.unpack(f">{1 + len(dims)}I", data[4:header])
    if tuple(shape[1:]) != dims:
        sys.exit(f"error: {path} holds items of {'x'.join(map(str, shape[1:]))}, "
                 f"expected {'x'.join(map(str, dims))}")
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        sys.exit(f"error: {path} has {len(data)} bytes, its header announces {expected}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def find_file(folder, name):
    for candidate in (name + ".gz", name):
        path = os.path.join(folder, candidate)
        if os.path.isfile(path):
            return path
    sys.exit(f"error: no {name}[.gz] in {folder}")


def write_idx(folder, name, images, labels):
    image_path = os.path.join(folder, f"{name}-images-idx3-ubyte")
    label_path = os.path.join(folder, f"{name}-labels-idx1-ubyte")
    with open(image_path, "wb") as f:
        f.write(struct.pack(">IIII", 0x00000803, len(images), SIZE, SIZE))
        f.write(np.ascontiguousarray(images, dtype=np.uint8).tobytes())
    with open(label_path, "wb") as f:
        f.write(struct.pack(">II", 0x00000801, len(labels)))
        f.write(np.ascontiguousarray(labels, dtype=np.uint8).tobytes())
    return image_path, label_path


# --- Building blocks --------------------------------------------------------------------

def to_uint8(x):
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def bilinear(images, source_y, source_x):
    """out[n, y, x] = images[n] read at (source_y[n, y, x], source_x[n, y, x]) with
    bilinear interpolation; pixels outside the image count as 0. Returns float64."""
    n = len(images)
    out = np.empty((n, SIZE, SIZE), dtype=np.float64)
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        flat = images[start:stop].reshape(-1).astype(np.float64)
        sy, sx = source_y[start:stop], source_x[start:stop]
        y0, x0 = np.floor(sy), np.floor(sx)
        wy, wx = sy - y0, sx - x0
        y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
        base = (np.arange(stop - start, dtype=np.int64) * SIZE * SIZE)[:, None, None]
        total = np.zeros(sy.shape, dtype=np.float64)
        for dy, weight_y in ((0, 1 - wy), (1, wy)):
            for dx, weight_x in ((0, 1 - wx), (1, wx)):
                yy, xx = y0 + dy, x0 + dx
                inside = (yy >= 0) & (yy < SIZE) & (xx >= 0) & (xx < SIZE)
                index = base + np.clip(yy, 0, SIZE - 1) * SIZE + np.clip(xx, 0, SIZE - 1)
                total += np.where(inside, flat[index], 0.0) * weight_y * weight_x
        out[start:stop] = total
    return out


def grid():
    y, x = np.meshgrid(np.arange(SIZE, dtype=np.float64), np.arange(SIZE, dtype=np.float64),
                       indexing="ij")
    return y[None], x[None]


def gaussian_matrix(sigma, size=SIZE):
    """The size x size matrix of a 1-D Gaussian convolution (truncated at 4 sigma,
    normalised to sum 1, zero outside): smoothed = G @ image @ G.T."""
    radius = int(4 * sigma + 0.5)
    taps = np.arange(-radius, radius + 1, dtype=np.float64)
    kernel = np.exp(-0.5 * (taps / sigma) ** 2)
    kernel /= kernel.sum()
    offset = np.arange(size)[None, :] - np.arange(size)[:, None]  # j - i
    matrix = np.zeros((size, size))
    near = np.abs(offset) <= radius
    matrix[near] = kernel[offset[near] + radius]
    return matrix


def area_matrix(small, big=SIZE):
    """small x big matrix averaging each small pixel over the big pixels it covers."""
    step = big / small
    matrix = np.zeros((small, big))
    for i in range(small):
        lo, hi = i * step, (i + 1) * step
        for j in range(big):
            matrix[i, j] = max(0.0, min(hi, j + 1) - max(lo, j))
    return matrix / step


def bilinear_up_matrix(small, big=SIZE):
    """big x small matrix of bilinear interpolation with aligned pixel centres and
    edges clamped."""
    source = np.clip((np.arange(big) + 0.5) * small / big - 0.5, 0, small - 1)
    low = np.floor(source).astype(int)
    high = np.minimum(low + 1, small - 1)
    weight = source - low
    matrix = np.zeros((big, small))
    matrix[np.arange(big), low] += 1 - weight
    matrix[np.arange(big), high] += weight
    return matrix


def dct_matrix(n=8):
    """Orthonormal DCT-II matrix: coefficients = C @ block @ C.T."""
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    matrix = np.sqrt(2.0 / n) * np.cos(np.pi * (2 * i + 1) * k / (2 * n))
    matrix[0] /= np.sqrt(2.0)
    return matrix


def neighbours(images, fill):
    """The 3 x 3 cross around every pixel, stacked: shape (5, n, 28, 28)."""
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)), constant_values=fill)
    return np.stack([padded[:, 1:-1, 1:-1], padded[:, :-2, 1:-1], padded[:, 2:, 1:-1],
                     padded[:, 1:-1, :-2], padded[:, 1:-1, 2:]])


# --- The transforms (uint8 images in, uint8 images out) -------------------------------

def rotate(images, degrees):
    theta = np.radians(np.asarray(degrees, dtype=np.float64))[:, None, None]
    y, x = grid()
    dy, dx = y - CENTRE, x - CENTRE
    # Anticlockwise as displayed (y points down): the output pixel at angle phi reads
    # the input at angle phi - theta.
    cos, sin = np.cos(theta), np.sin(theta)
    source_x = CENTRE + cos * dx - sin * dy
    source_y = CENTRE + sin * dx + cos * dy
    return to_uint8(bilinear(images, source_y, source_x))


def centre_of_mass(images):
    weights = images.astype(np.float64)
    mass = weights.sum(axis=(1, 2))
    coords = np.arange(SIZE, dtype=np.float64)
    safe = np.where(mass > 0, mass, 1.0)
    cy = np.where(mass > 0, (weights.sum(axis=2) @ coords) / safe, CENTRE)
    cx = np.where(mass > 0, (weights.sum(axis=1) @ coords) / safe, CENTRE)
    return cy, cx


def scale(images, factors):
    factors = np.asarray(factors, dtype=np.float64)[:, None, None]
    cy, cx = centre_of_mass(images)
    cy, cx = cy[:, None, None], cx[:, None, None]
    y, x = grid()
    return to_uint8(bilinear(images, cy + (y - cy) / factors, cx + (x - cx) / factors))


def thicken(images):
    return neighbours(images, 0).max(axis=0)


def thin(images):
    """Erosion; images it would leave with under 10 % of their ink get the mean of
    themselves and their erosion. Returns (images, how many fell back)."""
    eroded = neighbours(images, 0).min(axis=0)
    ink = images.reshape(len(images), -1).sum(axis=1, dtype=np.int64)
    kept = eroded.reshape(len(images), -1).sum(axis=1, dtype=np.int64)
    fallback = kept < THIN_MIN_INK * ink
    softened = to_uint8((images.astype(np.float64) + eroded) / 2)
    return np.where(fallback[:, None, None], softened, eroded), int(fallback.sum())


def elastic_fields(rng, n, sigma=ELASTIC_SIGMA, alpha=ELASTIC_ALPHA):
    g = gaussian_matrix(sigma)
    fields = rng.uniform(-1.0, 1.0, size=(n, 2, SIZE, SIZE))
    smoothed = g @ fields @ g.T
    return alpha * smoothed[:, 0], alpha * smoothed[:, 1]


def elastic(images, shift_y, shift_x):
    y, x = grid()
    return to_uint8(bilinear(images, y + shift_y, x + shift_x))


def low_res(images, small):
    down = area_matrix(small)
    up = bilinear_up_matrix(small)
    resample = up @ down  # 28 x 28, linear in the image
    return to_uint8(resample @ images.astype(np.float64) @ resample.T)


def jpeg_like(images, sigma=BLUR_SIGMA):
    g = gaussian_matrix(sigma)
    blurred = np.clip(np.rint(g @ images.astype(np.float64) @ g.T), 0, 255)
    padded = np.pad(blurred - 128.0, ((0, 0), (0, 4), (0, 4)), mode="edge")  # 32 x 32
    n = len(images)
    blocks = padded.reshape(n, 4, 8, 4, 8).transpose(0, 1, 3, 2, 4)  # (n, 4, 4, 8, 8)
    c = dct_matrix(8)
    coefficients = c @ blocks @ c.T
    quantised = np.rint(coefficients / JPEG_LUMINANCE) * JPEG_LUMINANCE
    restored = c.T @ quantised @ c
    pixels = restored.transpose(0, 1, 3, 2, 4).reshape(n, 32, 32)[:, :SIZE, :SIZE] + 128.0
    return to_uint8(pixels)


# --- The sets ---------------------------------------------------------------------------

SETS = [  # (k, name, parameters in one line)
    (0, "clean", "the test set as is"),
    (1, "rotation", f"angle uniform in ±{ROTATION_DEGREES:g}°, bilinear about the centre"),
    (2, "scale", f"factor uniform in {SCALE_RANGE[0]}–{SCALE_RANGE[1]} about the centre of mass, bilinear"),
    (3, "thick", "grey dilation, 3×3 cross"),
    (4, "thin", f"grey erosion, 3×3 cross (half erosion if < {THIN_MIN_INK:.0%} ink is left)"),
    (5, "elastic", f"uniform(−1,1) fields, Gaussian σ = {ELASTIC_SIGMA:g}, α = {ELASTIC_ALPHA:g}, bilinear"),
    (6, "low-res", "box average to 14×14, bilinear back to 28×28"),
    (7, "low-res-10", "area average to 10×10, bilinear back to 28×28"),
    (8, "blur", f"Gaussian σ = {BLUR_SIGMA:g}, then 8×8 DCT quantised with the JPEG luminance table (q 50)"),
]


def build_set(k, name, images, seed):
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, k])))
    n = len(images)
    note = None
    if name == "clean":
        out = images.copy()
    elif name == "rotation":
        out = rotate(images, rng.uniform(-ROTATION_DEGREES, ROTATION_DEGREES, size=n))
    elif name == "scale":
        out = scale(images, rng.uniform(*SCALE_RANGE, size=n))
    elif name == "thick":
        out = thicken(images)
    elif name == "thin":
        out, fell_back = thin(images)
        note = f"{fell_back} of {n} images got the half erosion"
    elif name == "elastic":
        out = elastic(images, *elastic_fields(rng, n))
    elif name == "low-res":
        out = low_res(images, 14)
    elif name == "low-res-10":
        out = low_res(images, 10)
    elif name == "blur":
        out = jpeg_like(images)
    else:
        raise ValueError(name)
    assert out.shape == images.shape and out.dtype == np.uint8, name
    return out, note


def self_check(sample):
    """Fails loudly (AssertionError) when a transform is broken."""
    zeros = np.zeros((3, SIZE, SIZE), dtype=np.uint8)
    for k, name, _ in SETS:
        out, _ = build_set(k, name, zeros, 0)
        assert not out.any(), f"self-check: {name} of an all-zero image is not all zero"
    n = len(sample)
    worst = lambda a, b: int(np.abs(a.astype(int) - b.astype(int)).max())  # noqa: E731
    assert worst(rotate(sample, np.zeros(n)), sample) <= 1, "self-check: rotation by 0° is not the identity"
    assert worst(scale(sample, np.ones(n)), sample) <= 1, "self-check: scale by 1 is not the identity"
    no_shift = np.zeros((n, SIZE, SIZE))
    assert worst(elastic(sample, no_shift, no_shift), sample) <= 1, "self-check: elastic with α = 0 is not the identity"
    # Anticlockwise as displayed is np.rot90's direction (k = 1).
    assert worst(rotate(sample, np.full(n, 90.0)), np.rot90(sample, 1, axes=(1, 2))) <= 1, \
        "self-check: a 90° rotation is not the pixel rotation"
    c = dct_matrix(8)
    assert np.allclose(c @ c.T, np.eye(8)), "self-check: the DCT matrix is not orthonormal"
    assert (thicken(sample) >= sample).all() and (neighbours(sample, 0).min(axis=0) <= sample).all(), \
        "self-check: dilation/erosion do not bracket the image"
    for small in (14, 10):
        assert np.allclose(area_matrix(small).sum(axis=1), 1) and np.allclose(bilinear_up_matrix(small).sum(axis=1), 1), \
            f"self-check: the {small}×{small} resampling matrices do not preserve grey levels"


# --- Running fnn -------------------------------------------------------------------------

def evaluate(fnn, model, image_path, label_path, expected_total):
    command = [fnn, "evaluate", model, "--images", image_path, "--labels", label_path, "--json"]
    try:
        result = subprocess.run(command, capture_output=True, text=True)
    except OSError as error:
        sys.exit(f"error: cannot run {fnn}: {error}")
    if result.returncode != 0:
        sys.stderr.write(f"error: {' '.join(command)} exited with status {result.returncode}:\n{result.stderr}")
        sys.exit(1)
    try:
        report = json.loads(result.stdout)
        accuracy, correct, total = float(report["accuracy"]), int(report["correct"]), int(report["total"])
    except (ValueError, KeyError, TypeError) as error:
        sys.exit(f"error: unexpected output from {' '.join(command)} ({error}):\n{result.stdout[:500]}")
    if total != expected_total:
        sys.exit(f"error: fnn evaluated {total} images of {image_path}, expected {expected_total}")
    return accuracy, correct, total


def machine():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main():
    epilog = "sets:\n" + "\n".join(f"  {name:<11} {text}" for _, name, text in SETS) + \
        "\n\nSee the module docstring (the top of this file) for the exact definitions."
    parser = argparse.ArgumentParser(
        description="Build distorted copies of the MNIST test set (rotation, scale, thick, thin, "
                    "elastic, low resolution, JPEG-like blur) and print each model's accuracy on "
                    "each as a Markdown table.",
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", metavar="MODEL", nargs="+", help="model files for fnn evaluate (.fnn or .json)")
    parser.add_argument("--fnn", default=".build/release/fnn", help="the fnn binary (default: %(default)s)")
    parser.add_argument("--data", required=True, metavar="DIR",
                        help="folder with t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz]")
    parser.add_argument("--names", metavar="A,B,...",
                        help="comma-separated column headers, one per model (default: the models' file names)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the random parameters (default: %(default)s)")
    parser.add_argument("--limit", type=int, metavar="N", help="use only the first N test images (fast runs)")
    parser.add_argument("--keep", metavar="DIR",
                        help="write the IDX sets into DIR and keep them (default: a temporary folder, removed)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of the table")
    args = parser.parse_args()

    names = [os.path.basename(m) for m in args.models]
    if args.names is not None:
        names = [n.strip() for n in args.names.split(",")]
        if len(names) != len(args.models):
            parser.error(f"--names has {len(names)} labels for {len(args.models)} models")
    if args.seed < 0:
        parser.error("--seed must be 0 or more")
    if not (os.path.isfile(args.fnn) and os.access(args.fnn, os.X_OK)) and shutil.which(args.fnn) is None:
        parser.error(f"--fnn {args.fnn} is not an executable (build it with `swift build -c release`)")

    images = read_idx(find_file(args.data, "t10k-images-idx3-ubyte"), 0x00000803, (SIZE, SIZE))
    labels = read_idx(find_file(args.data, "t10k-labels-idx1-ubyte"), 0x00000801, ())
    if len(images) != len(labels):
        sys.exit(f"error: {len(images)} test images but {len(labels)} labels")
    if args.limit is not None:
        if not 1 <= args.limit <= len(images):
            parser.error(f"--limit must be between 1 and {len(images)}")
        images, labels = images[:args.limit], labels[:args.limit]

    self_check(images[:16])

    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        folder = args.keep
    else:
        folder = tempfile.mkdtemp(prefix="fnn-robustness-")
    results = {}
    try:
        started = time.perf_counter()
        paths = {}
        for k, name, _ in SETS:
            out, note = build_set(k, name, images, args.seed)
            paths[name] = write_idx(folder, name, out, labels)
            if note:
                print(f"{name}: {note}", file=sys.stderr)
        generated = time.perf_counter() - started
        started = time.perf_counter()
        for model, label in zip(args.models, names):
            results[label] = {name: evaluate(args.fnn, model, *paths[name], len(images)) for _, name, _ in SETS}
        evaluated = time.perf_counter() - started
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"generated {len(SETS)} sets of {len(images)} images in {generated:.1f} s, "
          f"evaluated in {evaluated:.1f} s" + (f"; sets kept in {folder}" if args.keep else ""), file=sys.stderr)

    if args.json:
        print(json.dumps({
            "machine": machine(), "seed": args.seed, "images": len(images),
            "sets": [{"name": name, "parameters": text} for _, name, text in SETS],
            "models": [{"name": label, "model": model,
                        "results": {name: {"accuracy": a, "correct": c, "total": t}
                                    for name, (a, c, t) in results[label].items()}}
                       for model, label in zip(args.models, names)],
        }, indent=2))
        return

    print(f"Machine: {machine()}  ")
    print(f"Seed: {args.seed}, {len(images)} test images per set\n")
    print("| Set | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for _, name, _ in SETS:
        print(f"| {name} | " + " | ".join(f"{100 * results[label][name][0]:.2f} %" for label in names) + " |")


if __name__ == "__main__":
    main()
