#!/usr/bin/env python3
"""Generate the PNG sample digits and the PNG test fixtures for fnn.

Run from the repository root:

    python3 samples/make_samples.py

Needs Python 3 with numpy (no Pillow): the PNG encoder below is written from the
PNG specification (ISO/IEC 15948, W3C PNG 2nd edition) with zlib, struct and
CRC-32. The output is deterministic: every random choice comes from a seeded
numpy RandomState (whose stream numpy keeps frozen) and no chunk carries a
time stamp. The exact compressed bytes depend on the zlib build; the pixels do
not.

It writes

  samples/digits/mnist/<label>/<NNNN>.png   first 5 MNIST test images of each class
  samples/digits/scans/*.png                6 "real-world-style" digits
  samples/digits/expected.csv               path,label for every sample image
  samples/digits/README.md
  Tests/Fixtures/png/variants/<variant>/<NNNN>.png   test images 0-199 in 17 encodings
  Tests/Fixtures/png/variants/labels.csv
  Tests/Fixtures/png/bad/*                  files a PNG reader must reject (or find blank)
  Tests/Fixtures/png/bad/README.md

Input: the MNIST test set (t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz),
looked for in $MNIST_DIR, ../shared/datasets/mnist and /work/shared/datasets/mnist.
"""

import gzip
import os
import struct
import sys
import zlib
from pathlib import Path

import numpy as np

# ---------------------------------------------------------------------------
# PNG encoder
# ---------------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

GRAY, RGB, PALETTE, GRAY_ALPHA, RGBA = 0, 2, 3, 4, 6

# colour type -> (samples per pixel, allowed bit depths)
_COLOR_TYPES = {
    GRAY: (1, (1, 2, 4, 8, 16)),
    RGB: (3, (8, 16)),
    PALETTE: (1, (1, 2, 4, 8)),
    GRAY_ALPHA: (2, (8, 16)),
    RGBA: (4, (8, 16)),
}

# Adam7 passes: (x start, y start, x step, y step)
ADAM7 = (
    (0, 0, 8, 8),
    (4, 0, 8, 8),
    (0, 4, 4, 8),
    (2, 0, 4, 4),
    (0, 2, 2, 4),
    (1, 0, 2, 2),
    (0, 1, 1, 2),
)

IDAT_CHUNK_SIZE = 65536


def chunk(kind, data=b""):
    """One PNG chunk: length, type, data, CRC-32 over type and data."""
    kind = kind.encode("ascii") if isinstance(kind, str) else kind
    assert len(kind) == 4
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _ihdr(width, height, bit_depth, color_type, interlace):
    return chunk("IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type,
                                     0, 0, 1 if interlace else 0))


def _as_samples(pixels, channels):
    """Pixels as an int64 array of shape (height, width, channels)."""
    a = np.asarray(pixels)
    if a.ndim == 2:
        a = a[:, :, None]
    if a.ndim != 3 or a.shape[2] != channels:
        raise ValueError(f"expected {channels} sample(s) per pixel, got shape {a.shape}")
    return a.astype(np.int64)


def _pack_rows(samples, bit_depth):
    """Serialise (h, w, c) samples to unfiltered scanlines: uint8 array (h, row_bytes)."""
    h, w, c = samples.shape
    if bit_depth == 16:
        return samples.astype(">u2").view(np.uint8).reshape(h, w * c * 2)
    if bit_depth == 8:
        return samples.astype(np.uint8).reshape(h, w * c)
    # 1, 2, 4 bits: only single-sample pixels; leftmost pixel in the high-order bits,
    # every row padded to a whole byte.
    assert c == 1
    shifts = np.arange(bit_depth - 1, -1, -1)
    bits = (samples[:, :, 0:1] >> shifts) & 1  # (h, w, bit_depth), MSB first
    return np.packbits(bits.reshape(h, w * bit_depth).astype(np.uint8), axis=1)


def _filter_rows(raw, bpp, method):
    """Filter the scanlines of one (sub)image; returns bytes with a filter byte per row.

    method: 0-4 for that filter type on every row, or "adaptive" for the usual
    heuristic (per row, the filter whose output has the smallest sum of absolute
    values taken as signed bytes).
    """
    h, n = raw.shape
    if h == 0 or n == 0:
        return b""
    x = raw.astype(np.int16)
    a = np.zeros_like(x)  # byte bpp to the left (0 before the row starts)
    a[:, bpp:] = x[:, :-bpp]
    b = np.zeros_like(x)  # byte above (0 on the first row)
    b[1:] = x[:-1]
    c = np.zeros_like(x)  # byte above-left
    c[1:, bpp:] = x[:-1, :-bpp]
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    paeth = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
    candidates = np.stack([
        x,
        x - a,
        x - b,
        x - ((a + b) >> 1),
        x - paeth,
    ]) & 0xFF  # (5, h, n)
    if method == "adaptive":
        signed = np.where(candidates >= 128, 256 - candidates, candidates)
        choice = signed.sum(axis=2).argmin(axis=0)  # (h,)
    else:
        choice = np.full(h, int(method))
    rows = candidates[choice, np.arange(h)]  # (h, n)
    out = np.empty((h, n + 1), dtype=np.uint8)
    out[:, 0] = choice
    out[:, 1:] = rows
    return out.tobytes()


def _scanline_data(samples, bit_depth, interlace, method):
    h, w, c = samples.shape
    bpp = max(1, c * bit_depth // 8)
    if not interlace:
        return _filter_rows(_pack_rows(samples, bit_depth), bpp, method)
    parts = []
    for x0, y0, dx, dy in ADAM7:
        sub = samples[y0::dy, x0::dx]
        if sub.shape[0] == 0 or sub.shape[1] == 0:
            continue  # an empty pass has no scanlines at all
        parts.append(_filter_rows(_pack_rows(sub, bit_depth), bpp, method))
    return b"".join(parts)


def _idat_chunks(compressed):
    return b"".join(chunk("IDAT", compressed[i:i + IDAT_CHUNK_SIZE])
                    for i in range(0, max(len(compressed), 1), IDAT_CHUNK_SIZE))


def encode_png(pixels, color_type, bit_depth, palette=None, trns=None, interlace=False,
               gamma=None, srgb=None, filter="auto", level=9):
    """Encode an image as PNG bytes.

    pixels      array (h, w) or (h, w, c) of integer samples in 0 .. 2**bit_depth-1
                (palette indices for colour type 3)
    color_type  GRAY, RGB, PALETTE, GRAY_ALPHA or RGBA
    palette     list of (r, g, b) for colour type 3
    trns        GRAY: the transparent grey value; RGB: an (r, g, b) triple;
                PALETTE: a list of alpha values for the first palette entries
    interlace   Adam7 when true
    gamma       write gAMA with this gamma (e.g. 1/2.2); srgb: write sRGB with this
                rendering intent (0-3). Neither is written by default.
    filter      0-4, "adaptive", or "auto" (the smaller of filter 0 and adaptive)
    """
    if color_type not in _COLOR_TYPES:
        raise ValueError(f"bad colour type {color_type}")
    channels, depths = _COLOR_TYPES[color_type]
    if bit_depth not in depths:
        raise ValueError(f"bit depth {bit_depth} not allowed for colour type {color_type}")
    samples = _as_samples(pixels, channels)
    h, w, _ = samples.shape
    if not (1 <= w < 2**31 and 1 <= h < 2**31):
        raise ValueError("width and height must be 1 .. 2^31-1")
    if samples.min() < 0 or samples.max() >= 2**bit_depth:
        raise ValueError(f"sample out of range for {bit_depth}-bit data")

    chunks = [_ihdr(w, h, bit_depth, color_type, interlace)]
    if gamma is not None:
        chunks.append(chunk("gAMA", struct.pack(">I", int(round(gamma * 100000)))))
    if srgb is not None:
        chunks.append(chunk("sRGB", bytes([srgb])))
    if color_type == PALETTE:
        if palette is None or not 1 <= len(palette) <= 2**bit_depth:
            raise ValueError("colour type 3 needs a palette of 1 .. 2**bit_depth entries")
        if samples.max() >= len(palette):
            raise ValueError("palette index beyond the palette")
        chunks.append(chunk("PLTE", b"".join(bytes(int(v) for v in rgb) for rgb in palette)))
    elif palette is not None:
        raise ValueError("a palette only goes with colour type 3")
    if trns is not None:
        if color_type == GRAY:
            data = struct.pack(">H", int(trns))
        elif color_type == RGB:
            data = struct.pack(">HHH", *(int(v) for v in trns))
        elif color_type == PALETTE:
            if not 1 <= len(trns) <= len(palette):
                raise ValueError("tRNS longer than the palette")
            data = bytes(int(v) for v in trns)
        else:
            raise ValueError("tRNS is not allowed with an alpha channel")
        chunks.append(chunk("tRNS", data))

    if filter == "auto":
        streams = [zlib.compress(_scanline_data(samples, bit_depth, interlace, m), level)
                   for m in (0, "adaptive")]
        compressed = min(streams, key=len)
    else:
        compressed = zlib.compress(_scanline_data(samples, bit_depth, interlace, filter), level)
    chunks.append(_idat_chunks(compressed))
    chunks.append(chunk("IEND"))
    return PNG_SIGNATURE + b"".join(chunks)


def encode_gray8_constant_streaming(width, height, value=0, level=9):
    """A greyscale 8-bit image of one value, compressed row by row (for huge images)."""
    comp = zlib.compressobj(level)
    row = bytes([0]) + bytes([value]) * width  # filter 0
    pieces = []
    for _ in range(height):
        pieces.append(comp.compress(row))
    pieces.append(comp.flush())
    compressed = b"".join(pieces)
    return (PNG_SIGNATURE + _ihdr(width, height, 8, GRAY, False)
            + _idat_chunks(compressed) + chunk("IEND"))


def split_chunks(png):
    """[(offset, length, type, data)] for the chunks of a PNG (no validation)."""
    assert png[:8] == PNG_SIGNATURE
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        out.append((pos, length, kind, png[pos + 8:pos + 8 + length]))
        pos += 12 + length
    return out


# ---------------------------------------------------------------------------
# MNIST
# ---------------------------------------------------------------------------

def find_mnist():
    here = Path(__file__).resolve().parent.parent
    candidates = []
    if os.environ.get("MNIST_DIR"):
        candidates.append(Path(os.environ["MNIST_DIR"]))
    candidates += [here.parent / "shared" / "datasets" / "mnist",
                   Path("/work/shared/datasets/mnist")]
    for d in candidates:
        if (d / "t10k-images-idx3-ubyte.gz").exists() or (d / "t10k-images-idx3-ubyte").exists():
            return d
    sys.exit("make_samples.py: MNIST test set not found (set MNIST_DIR)")


def _read_idx(path):
    if not path.exists():
        path = path.with_suffix("")  # the uncompressed file
        data = path.read_bytes()
    else:
        data = gzip.decompress(path.read_bytes())
    return data


def load_mnist_test(directory):
    images = _read_idx(directory / "t10k-images-idx3-ubyte.gz")
    labels = _read_idx(directory / "t10k-labels-idx1-ubyte.gz")
    magic, n, rows, cols = struct.unpack(">IIII", images[:16])
    if magic != 0x00000803 or (rows, cols) != (28, 28):
        sys.exit("make_samples.py: bad IDX image header")
    lmagic, ln = struct.unpack(">II", labels[:8])
    if lmagic != 0x00000801 or ln != n:
        sys.exit("make_samples.py: bad IDX label header")
    imgs = np.frombuffer(images, dtype=np.uint8, offset=16).reshape(n, rows, cols)
    labs = np.frombuffer(labels, dtype=np.uint8, offset=8)
    return imgs, labs


# ---------------------------------------------------------------------------
# Image helpers
# ---------------------------------------------------------------------------

def resize_bilinear(img, out_h, out_w):
    """Bilinear resize of a 2-D array (pixel-centre aligned, edges clamped); float result."""
    img = np.asarray(img, dtype=np.float64)
    in_h, in_w = img.shape

    def axis(n_out, n_in):
        pos = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
        pos = np.clip(pos, 0, n_in - 1)
        i0 = np.floor(pos).astype(int)
        i1 = np.minimum(i0 + 1, n_in - 1)
        return i0, i1, pos - i0

    y0, y1, fy = axis(out_h, in_h)
    x0, x1, fx = axis(out_w, in_w)
    top = img[y0][:, x0] * (1 - fx) + img[y0][:, x1] * fx
    bottom = img[y1][:, x0] * (1 - fx) + img[y1][:, x1] * fx
    return top * (1 - fy[:, None]) + bottom * fy[:, None]


def dilate3(img):
    """3x3 maximum filter (thickens strokes)."""
    p = np.pad(img, 1)
    h, w = img.shape
    return np.max([p[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)], axis=0)


def to_u8(x):
    return np.clip(np.rint(x), 0, 255).astype(np.uint8)


def paper_noise(rng, h, w, sigma=5.0):
    """Faint paper: mostly 250-255, never below 235."""
    return 255 - np.clip(np.rint(np.abs(rng.normal(0.0, sigma, size=(h, w)))), 0, 20)


def speckled_paper(rng, h, w, density=0.03):
    """White paper with sparse faint specks (235-254): compresses well."""
    paper = np.full((h, w), 255.0)
    mask = rng.random_sample((h, w)) < density
    paper[mask] = rng.randint(235, 255, size=int(mask.sum()))
    return paper


def ink_on_paper(coverage, paper, ink):
    """Composite ink of one colour (per channel) over a paper image; coverage in 0..1."""
    return paper * (1.0 - coverage) + ink * coverage


# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples" / "digits"
FIXTURES = ROOT / "Tests" / "Fixtures" / "png"

SCAN_INDICES = {  # file name -> MNIST test index
    "ink-on-paper-rgb.png": 100,
    "paper-gray16.png": 101,
    "dark-on-transparent-rgba.png": 102,
    "interlaced-palette-trns.png": 103,
    "blue-pen-small.png": 104,
    "gray-alpha.png": 105,
}

FIXTURE_COUNT = 200


def write(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def rel(path):
    return path.relative_to(ROOT).as_posix()


def make_scans(images):
    out = {}

    # 1. black ink on warm-tinted paper, RGB 8, 200 px digit off-centre on 300x300
    rng = np.random.RandomState(1001)
    cov = resize_bilinear(images[SCAN_INDICES["ink-on-paper-rgb.png"]], 200, 200) / 255.0
    canvas = np.zeros((300, 300))
    canvas[14:214, 22:222] = cov
    paper = paper_noise(rng, 300, 300)
    tint = np.stack([paper, paper - 3, paper - 12], axis=2)  # warm: less blue
    ink = np.array([28.0, 24.0, 22.0])
    rgb = ink_on_paper(canvas[:, :, None], tint, ink)
    out["ink-on-paper-rgb.png"] = encode_png(to_u8(rgb), RGB, 8)

    # 2. the same style, greyscale 16-bit (v * 257), no gAMA/sRGB
    rng = np.random.RandomState(1002)
    cov = resize_bilinear(images[SCAN_INDICES["paper-gray16.png"]], 200, 200) / 255.0
    canvas = np.zeros((300, 300))
    canvas[88:288, 8:208] = cov
    grey = to_u8(ink_on_paper(canvas, paper_noise(rng, 300, 300), 20.0))
    out["paper-gray16.png"] = encode_png(grey.astype(np.int64) * 257, GRAY, 16)

    # 3. dark ink on a fully transparent background, RGBA 8
    cov = resize_bilinear(images[SCAN_INDICES["dark-on-transparent-rgba.png"]], 84, 84) / 255.0
    alpha = np.zeros((100, 100), dtype=np.uint8)
    alpha[8:92, 12:96] = to_u8(cov * 255)
    rgba = np.zeros((100, 100, 4), dtype=np.uint8)
    rgba[alpha > 0, :3] = (20, 20, 30)
    rgba[:, :, 3] = alpha
    out["dark-on-transparent-rgba.png"] = encode_png(rgba, RGBA, 8)

    # 4. white on black, 112x112, 16-grey palette, tRNS making only entry 0 (black
    #    background) transparent, Adam7
    v = resize_bilinear(images[SCAN_INDICES["interlaced-palette-trns.png"]], 112, 112)
    idx = np.clip(np.rint(v / 17.0), 0, 15).astype(np.uint8)
    palette = [(k * 17,) * 3 for k in range(16)]
    out["interlaced-palette-trns.png"] = encode_png(idx, PALETTE, 8, palette=palette,
                                                    trns=[0], interlace=True)

    # 5. thick blue pen, 40x40 digit off-centre in 64x64, RGB 8 on white
    thick = dilate3(images[SCAN_INDICES["blue-pen-small.png"]])
    cov = resize_bilinear(thick, 40, 40) / 255.0
    canvas = np.zeros((64, 64))
    canvas[3:43, 20:60] = cov
    white = np.full((64, 64, 3), 255.0)
    rgb = ink_on_paper(canvas[:, :, None], white, np.array([25.0, 60.0, 170.0]))
    out["blue-pen-small.png"] = encode_png(to_u8(rgb), RGB, 8)

    # 6. grey+alpha 8: light ink (grey 225) with partial alpha (at most 204) on transparency
    cov = resize_bilinear(images[SCAN_INDICES["gray-alpha.png"]], 56, 56) / 255.0
    ga = np.zeros((56, 56, 2), dtype=np.uint8)
    ga[:, :, 1] = to_u8(cov * 0.8 * 255)
    ga[ga[:, :, 1] > 0, 0] = 225
    out["gray-alpha.png"] = encode_png(ga, GRAY_ALPHA, 8)
    return out


def palette_permutation():
    """A fixed shuffle of the 256 grey levels, so a reader that ignores PLTE fails."""
    perm = np.random.RandomState(3003).permutation(256)  # palette index -> grey value
    inverse = np.argsort(perm)  # grey value -> palette index
    return perm, inverse


def fixture_variants(p, index):
    """{variant name: PNG bytes} for one 28x28 MNIST image p (0 background, 255 ink)."""
    q = p.astype(np.int64)
    perm, inverse = palette_permutation()
    grey_palette = [(int(g),) * 3 for g in perm]
    bg_index = int(inverse[0])
    ones = np.full_like(q, 255)
    rgb = np.stack([q, q, q], axis=2)

    v = {}
    v["gray8"] = encode_png(q, GRAY, 8)
    v["gray8-inverted"] = encode_png(255 - q, GRAY, 8)
    v["gray16"] = encode_png(q * 257, GRAY, 16)
    v["gray4"] = encode_png(q >> 4, GRAY, 4)
    v["gray2"] = encode_png(q >> 6, GRAY, 2)
    v["gray1"] = encode_png((q >= 128).astype(np.int64), GRAY, 1)
    v["palette"] = encode_png(inverse[q], PALETTE, 8, palette=grey_palette)
    v["palette-trns"] = encode_png(inverse[q], PALETTE, 8, palette=grey_palette,
                                   trns=[255] * bg_index + [0])
    v["gray-alpha8"] = encode_png(np.stack([q, ones], axis=2), GRAY_ALPHA, 8)
    v["rgb8"] = encode_png(rgb, RGB, 8)
    v["rgb16"] = encode_png(rgb * 257, RGB, 16)
    v["rgba8"] = encode_png(np.concatenate([rgb, ones[:, :, None]], axis=2), RGBA, 8)
    v["rgba16"] = encode_png(np.concatenate([rgb, ones[:, :, None]], axis=2) * 257, RGBA, 16)
    v["interlaced-gray8"] = encode_png(q, GRAY, 8, interlace=True)
    v["trns-gray8"] = encode_png(q, GRAY, 8, trns=0)
    dark = np.zeros((28, 28, 4), dtype=np.int64)
    dark[:, :, 3] = q
    v["dark-on-transparent"] = encode_png(dark, RGBA, 8)

    # black ink on white, 140x140 (x5 bilinear), off-centre in 200x200 with faint specks
    rng = np.random.RandomState(5000 + index)
    while True:
        oy, ox = rng.randint(0, 61, size=2)
        if abs(oy - 30) + abs(ox - 30) >= 20:
            break
    cov = resize_bilinear(p, 140, 140) / 255.0
    canvas = np.zeros((200, 200))
    canvas[oy:oy + 140, ox:ox + 140] = cov
    grey = to_u8(ink_on_paper(canvas, speckled_paper(rng, 200, 200), 0.0))
    v["scaled-paper"] = encode_png(np.stack([grey, grey, grey], axis=2), RGB, 8)
    return v


def make_bad_files(images):
    bad = {}
    bad["empty.png"] = b""
    bad["text.png"] = (b"This is a plain ASCII text file with a .png name.\n"
                       b"It is not an image; a PNG reader must reject it as not PNG.\n")
    valid = encode_png(images[0], GRAY, 8, filter=0)
    chunks = split_chunks(valid)
    idat = [c for c in chunks if c[2] == b"IDAT"]
    assert len(idat) == 1
    off, length, _, _ = idat[0]
    data_start = off + 8
    bad["truncated.png"] = valid[:data_start + length // 2]
    iend = [c for c in chunks if c[2] == b"IEND"][0]
    bad["no-iend.png"] = valid[:iend[0]]
    corrupt = bytearray(valid)
    corrupt[data_start + length // 2] ^= 0xFF
    bad["bad-crc.png"] = bytes(corrupt)
    tiny_idat = zlib.compress(b"\x00" * 8, 9)
    bad["huge-dimensions.png"] = (PNG_SIGNATURE + _ihdr(1_000_000, 1_000_000, 8, GRAY, False)
                                  + chunk("IDAT", tiny_idat) + chunk("IEND"))
    bad["blank.png"] = encode_png(np.zeros((28, 28), dtype=np.uint8), GRAY, 8)
    bad["blank-white.png"] = encode_png(np.full((300, 300), 255, dtype=np.uint8), GRAY, 8)
    bad["bomb.png"] = encode_gray8_constant_streaming(20000, 20000, 0)
    bad["not-png.bin"] = np.random.RandomState(4004).randint(0, 256, size=512).astype(np.uint8).tobytes()
    return bad


SAMPLES_README = """\
# Sample digits

`mnist/<label>/<NNNN>.png` holds the first five MNIST test-set images of each class \
(NNNN is the index in the test set), written exactly as in the IDX file: 8-bit greyscale, \
28x28, white ink on black. `scans/` holds six "real-world-style" digits made from test \
images 100-105: dark ink on noisy, warm-tinted paper (RGB, and 16-bit greyscale), dark ink \
on a transparent background (RGBA), a white-on-black Adam7-interlaced palette image with a \
transparent background entry, a small thick blue-pen digit off-centre, and light \
partially-transparent ink (grey+alpha). `expected.csv` gives the true label of every image. \
All of it is generated, deterministically and without Pillow, by \
`python3 samples/make_samples.py`; `fnn predict samples/digits` classifies them.
"""

BAD_README = """\
# Bad PNG fixtures

Files a PNG digit reader must refuse (or report as blank), and why:

| file | what it is | should be rejected as |
|---|---|---|
| `empty.png` | 0 bytes | not PNG |
| `text.png` | ASCII text with a .png name | not PNG |
| `not-png.bin` | 512 random bytes (seeded) | not PNG |
| `truncated.png` | a valid 28x28 greyscale PNG cut in the middle of its IDAT chunk | truncated |
| `no-iend.png` | a valid 28x28 PNG with the IEND chunk missing (all image data present) | truncated (a lenient reader may accept it: the pixels are complete) |
| `bad-crc.png` | a valid 28x28 PNG with one byte inside the IDAT data flipped and the CRC left stale | corrupt: the IDAT CRC does not match (the deflate data is damaged too, so a reader that inflates before checking the CRC reports a zlib data error instead, as libpng does) |
| `huge-dimensions.png` | IHDR declares 1,000,000 x 1,000,000 greyscale pixels (valid CRC), a tiny IDAT, IEND | too large: beyond the default limits of 64 MiB of pixel data / 16,000,000 pixels; must be refused from the header, before any allocation |
| `bomb.png` | a valid greyscale 8-bit 20000 x 20000 image of zeros (400,000,000 pixels) compressed to a few hundred KB | too large (same limits), before decompressing |
| `blank.png` | a valid 28x28 greyscale image, all 0 (background) | no ink |
| `blank-white.png` | a valid 300x300 greyscale image, all 255 (white) | no ink |

All of them are written by `samples/make_samples.py`.
"""


def main():
    images, labels = load_mnist_test(find_mnist())
    written = []

    # 1. MNIST samples: the first 5 test images of each class
    expected = ["path,label"]
    for label in range(10):
        indices = np.nonzero(labels == label)[0][:5]
        for i in indices:
            path = SAMPLES / "mnist" / str(label) / f"{i:04d}.png"
            write(path, encode_png(images[i], GRAY, 8))
            written.append(path)
            expected.append(f"{rel(path)},{label}")

    # 2. scans
    for name, data in make_scans(images).items():
        path = SAMPLES / "scans" / name
        write(path, data)
        written.append(path)
        expected.append(f"{rel(path)},{int(labels[SCAN_INDICES[name]])}")

    # 3., 4.
    write(SAMPLES / "expected.csv", "\n".join(expected) + "\n")
    write(SAMPLES / "README.md", SAMPLES_README)

    # 5. fixture variants
    rows = ["index,label"]
    for i in range(FIXTURE_COUNT):
        for variant, data in fixture_variants(images[i], i).items():
            path = FIXTURES / "variants" / variant / f"{i:04d}.png"
            write(path, data)
            written.append(path)
        rows.append(f"{i},{int(labels[i])}")
    write(FIXTURES / "variants" / "labels.csv", "\n".join(rows) + "\n")

    # 6. bad files
    for name, data in make_bad_files(images).items():
        path = FIXTURES / "bad" / name
        write(path, data)
        written.append(path)
    write(FIXTURES / "bad" / "README.md", BAD_README)

    def total(d):
        return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())

    print(f"wrote {len(written)} image files")
    print(f"samples/digits: {total(SAMPLES)} bytes")
    print(f"Tests/Fixtures/png: {total(FIXTURES)} bytes")
    print("scans: " + ", ".join(f"{n} = test[{i}] (label {int(labels[i])})"
                                for n, i in SCAN_INDICES.items()))


if __name__ == "__main__":
    main()
