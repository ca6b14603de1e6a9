#!/usr/bin/env python3
"""Generate the digit-string samples for `fnn predict --segment`.

Run from the repository root:

    python3 samples/make_strings.py

Needs Python 3 with numpy (no Pillow): PNGs are written by the encoder in
samples/make_samples.py (zlib, struct, CRC-32). Deterministic: every choice comes
from a seeded numpy RandomState.

It writes

  samples/strings/*.png         six rows of MNIST *test* digits (a ZIP code, an
                                amount, an underlined field, a boxed field, broken
                                strokes with specks, touching digits)
  samples/strings/expected.csv  path,digits for each

Input: the MNIST test set, found as make_samples.py finds it ($MNIST_DIR,
../shared/datasets/mnist, /work/shared/datasets/mnist).
"""

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_samples import GRAY, encode_png, find_mnist, load_mnist_test, resize_bilinear, to_u8  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "samples" / "strings"


def glyph(images, index, scale):
    """The digit cropped to its ink, as coverage 0..1, scaled."""
    img = images[index].astype(np.float64) / 255.0
    ys, xs = np.nonzero(img)
    crop = img[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    h, w = crop.shape
    return np.clip(resize_bilinear(crop, max(1, round(h * scale)), max(1, round(w * scale))), 0, 1)


def touches(left, left_x, left_y, right, right_x, right_y):
    """Whether the strokes (coverage >= 1/2) of two placed glyphs are 8-neighbours."""
    h = max(left_y + left.shape[0], right_y + right.shape[0]) + 2
    w = max(left_x + left.shape[1], right_x + right.shape[1]) + 2
    a = np.zeros((h, w), bool)
    b = np.zeros((h, w), bool)
    a[left_y:left_y + left.shape[0], left_x:left_x + left.shape[1]] = left >= 0.5
    b[right_y:right_y + right.shape[0], right_x:right_x + right.shape[1]] = right >= 0.5
    grown = np.zeros_like(a)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            grown |= np.roll(np.roll(a, dy, 0), dx, 1)
    return bool((grown & b).any())


def row(images, labels, rng, count, scale, jitter=0.0, touching_pair=None, broken=(), margin=None):
    """Lays `count` random test digits out left to right; returns coverage, digits, boxes."""
    indices = rng.randint(0, len(images), size=count)
    glyphs = [glyph(images, i, scale) for i in indices]
    for k in broken:
        g = glyphs[k].copy()
        band = max(2, round(0.1 * g.shape[0]))
        start = g.shape[0] // 2 - band // 2
        g[start:start + band, :] = 0
        glyphs[k] = g
    height = max(g.shape[0] for g in glyphs)
    margin = margin if margin is not None else round(0.6 * height)
    jitter_px = round(jitter * height)
    xs, ys = [], []
    x = margin
    for k, g in enumerate(glyphs):
        y = margin + jitter_px + (height - g.shape[0]) // 2 + (rng.randint(-jitter_px, jitter_px + 1) if jitter_px else 0)
        if k > 0:
            if touching_pair == k - 1:
                x = xs[-1] + glyphs[k - 1].shape[1]
                while x > xs[-1] and not touches(glyphs[k - 1], xs[-1], ys[-1], g, x, y):
                    x -= 1
            else:
                x += round(rng.uniform(0.2, 0.45) * height)
        xs.append(x)
        ys.append(y)
        x += g.shape[1]
    canvas = np.zeros((height + 2 * margin + 2 * jitter_px, x + margin))
    for g, gx, gy in zip(glyphs, xs, ys):
        region = canvas[gy:gy + g.shape[0], gx:gx + g.shape[1]]
        np.maximum(region, g, out=region)
    boxes = [(gx, gy, g.shape[1], g.shape[0]) for g, gx, gy in zip(glyphs, xs, ys)]
    return canvas, "".join(str(labels[i]) for i in indices), boxes


def on_paper(coverage, paper, ink, rng=None, noise=0.0):
    pixels = paper + (ink - paper) * coverage
    if noise:
        pixels = pixels + rng.normal(0.0, noise, size=coverage.shape)
    return to_u8(pixels)


def main():
    images, labels = load_mnist_test(find_mnist())
    OUT.mkdir(parents=True, exist_ok=True)
    samples = {}

    rng = np.random.RandomState(1401)
    cov, digits, _ = row(images, labels, rng, 5, 2.0)
    samples["zip-code.png"] = (on_paper(cov, 246.0, 30.0, rng, noise=4.0), digits)

    rng = np.random.RandomState(1402)
    cov, digits, _ = row(images, labels, rng, 8, 1.5, jitter=0.15)
    samples["amount-light-on-dark.png"] = (on_paper(cov, 20.0, 235.0), digits)

    rng = np.random.RandomState(1403)
    cov, digits, boxes = row(images, labels, rng, 6, 2.0)
    bottom = max(y + h for _, y, _, h in boxes)
    height = max(h for *_, h in boxes)
    left, right = boxes[0][0] - 8, boxes[-1][0] + boxes[-1][2] + 8
    cov[bottom + round(0.15 * height):bottom + round(0.15 * height) + 3, left:right] = 1.0
    samples["underlined.png"] = (on_paper(cov, 240.0, 25.0, rng, noise=3.0), digits)

    rng = np.random.RandomState(1404)
    cov, digits, boxes = row(images, labels, rng, 5, 2.0)
    pad = 8
    top = min(y for _, y, _, _ in boxes) - pad
    bottom = max(y + h for _, y, _, h in boxes) + pad
    left, right = boxes[0][0] - pad, boxes[-1][0] + boxes[-1][2] + pad
    for y0, y1, x0, x1 in [(top, top + 2, left, right), (bottom - 2, bottom, left, right),
                           (top, bottom, left, left + 2), (top, bottom, right - 2, right)]:
        cov[y0:y1, x0:x1] = 1.0
    for (ax, _, aw, _), (bx, _, _, _) in zip(boxes, boxes[1:]):
        divider = (ax + aw + bx) // 2
        cov[top:bottom, divider:divider + 2] = 1.0
    samples["boxed.png"] = (on_paper(cov, 250.0, 40.0), digits)

    rng = np.random.RandomState(1405)
    cov, digits, _ = row(images, labels, rng, 4, 2.5, broken=(1, 2))
    placed = 0
    while placed < 8:
        cy, cx = rng.randint(2, cov.shape[0] - 2), rng.randint(2, cov.shape[1] - 2)
        if cov[cy - 5:cy + 6, cx - 5:cx + 6].max() > 0.02:
            continue
        cov[cy - 1:cy + 2, cx - 1:cx + 2] = np.maximum(cov[cy - 1:cy + 2, cx - 1:cx + 2], rng.uniform(0.7, 1.0))
        placed += 1
    samples["broken-and-specks.png"] = (on_paper(cov, 15.0, 225.0, rng, noise=5.0), digits)

    rng = np.random.RandomState(1406)
    cov, digits, _ = row(images, labels, rng, 4, 2.0, touching_pair=1)
    samples["touching.png"] = (on_paper(cov, 238.0, 35.0), digits)

    lines = ["path,digits"]
    for name, (pixels, digits) in sorted(samples.items()):
        (OUT / name).write_bytes(encode_png(pixels, GRAY, 8))
        lines.append(f"samples/strings/{name},{digits}")
    (OUT / "expected.csv").write_text("\n".join(lines) + "\n")
    for line in lines[1:]:
        print(line)


if __name__ == "__main__":
    main()
