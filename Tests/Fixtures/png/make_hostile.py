#!/usr/bin/env python3
"""Writes the hostile PNG fixtures in Tests/Fixtures/png/hostile/ (standard library only).

Every file is small (the largest is the zero bomb, about 130 KB) but declares or
implies something expensive: a chunk of gigabytes, a header of a million rows, image
data that inflates to a hundred megabytes. `fnn` must refuse each one quickly, from
the chunk list, before libpng allocates or inflates anything large. The expected
error of each file is in hostile/README.md and in PNGHostileTests.swift.

The `huge-*` files copy the structure of libpng's own crasher files
(contrib/testpngs/crashers/huge_*.png): a valid 1 x 1 IHDR, then one chunk header
declaring 0x7FFFFFFF bytes with nothing behind it but a CRC, then IEND.

    python3 Tests/Fixtures/png/make_hostile.py            # writes the fixtures
    python3 Tests/Fixtures/png/make_hostile.py --big DIR  # also the 8 GiB zero bomb
                                                          # (8.3 MB) for the benchmark
"""

import struct
import sys
import zlib
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
HERE = Path(__file__).resolve().parent
OUT = HERE / "hostile"


def chunk(kind, data=b"", length=None, crc=None):
    """One chunk; `length` and `crc` override the true values to make damaged ones."""
    kind = kind.encode("ascii") if isinstance(kind, str) else kind
    true_crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return (struct.pack(">I", len(data) if length is None else length) + kind + data
            + struct.pack(">I", true_crc if crc is None else crc))


def ihdr(width, height, bit_depth=8, color_type=0, interlace=0, compression=0, filter_method=0):
    return chunk("IHDR", struct.pack(">IIBBBBB", width, height, bit_depth, color_type,
                                     compression, filter_method, interlace))


IEND = chunk("IEND")


def gray8(width, height, value=0):
    """Zlib data of a grey 8-bit image of one value, filter 0 on every row."""
    return zlib.compress((b"\x00" + bytes([value]) * width) * height, 9)


def png(*chunks):
    return SIGNATURE + b"".join(chunks)


def digit28():
    """A 28 x 28 grey image with a bar across the middle (a legit image)."""
    rows = b"".join(b"\x00" + (bytes([255]) * 28 if 10 <= y < 18 else bytes(28)) for y in range(28))
    return rows


def zero_stream(mebibytes, width=28):
    """A zlib stream of `mebibytes` MiB of zero bytes, built from one full-flush segment
    repeated, so gigabytes take a second to write. (A 28-wide grey image's rows are
    all zero bytes, filter byte included, so the first 812 bytes are a whole image.)"""
    segment_input = bytes(1 << 20)
    compressor = zlib.compressobj(9)
    header_and_first = compressor.compress(segment_input) + compressor.flush(zlib.Z_FULL_FLUSH)
    # The first segment carries the 2-byte zlib header; the rest repeat the body.
    probe = zlib.compressobj(9)
    probe.compress(segment_input)
    probe.flush(zlib.Z_FULL_FLUSH)
    body = probe.compress(segment_input) + probe.flush(zlib.Z_FULL_FLUSH)
    tail = probe.flush(zlib.Z_FINISH)  # final empty block and Adler-32 of 2 MiB: replaced
    final_block = tail[:-4]
    total = mebibytes << 20
    adler = ((total % 65521) << 16) | 1  # Adler-32 of `total` zero bytes
    return header_and_first + body * (mebibytes - 1) + final_block + struct.pack(">I", adler)


def idat_chunks(data, size=65536):
    return b"".join(chunk("IDAT", data[i:i + size]) for i in range(0, max(len(data), 1), size))


def huge(kind):
    """libpng's crasher layout: 1 x 1 IHDR, a chunk header declaring 2^31-1 bytes, IEND."""
    return png(ihdr(1, 1), struct.pack(">I", 0x7FFFFFFF) + kind.encode("ascii")
               + struct.pack(">I", 0), IEND)


def fixtures():
    small_idat = chunk("IDAT", gray8(1, 1))
    good_idat = chunk("IDAT", zlib.compress(digit28(), 9))
    files = {}
    for kind in ("tEXt", "iTXt", "zTXt", "pCAL", "iCCP", "sPLT", "sCAL", "eXIf", "sTER",
                 "bKGD", "cHRM", "gAMA", "hIST", "pHYs", "sBIT", "sRGB", "tIME", "tRNS",
                 "juNK", "juNk", "IDAT", "PLTE"):
        files[f"huge-{kind}.png"] = huge(kind)
    files["chunk-length-ffffffff.png"] = png(
        ihdr(28, 28), struct.pack(">I", 0xFFFFFFFF) + b"tEXt" + bytes(4), good_idat, IEND)
    # A 28 x 28 image whose IDAT inflates to 128 MiB of zeros (130 KB of zlib data):
    # refused from the IDAT size alone.
    files["idat-zero-bomb.png"] = png(ihdr(28, 28), idat_chunks(zero_stream(128)), IEND)
    # Image data within the IDAT size bound that still inflates to 32 MiB, far past the
    # 812 bytes the header declares: refused while inflating, after 64 KiB too many.
    files["idat-inflates-past-image.png"] = png(ihdr(28, 28), idat_chunks(zero_stream(32)), IEND)
    files["ihdr-1x1000001.png"] = png(ihdr(1, 1_000_001), small_idat, IEND)
    files["ihdr-1000001x1.png"] = png(ihdr(1_000_001, 1), small_idat, IEND)
    files["ihdr-width-0.png"] = png(ihdr(0, 28), small_idat, IEND)
    files["ihdr-height-0.png"] = png(ihdr(28, 0), small_idat, IEND)
    files["ihdr-width-2pow31.png"] = png(ihdr(1 << 31, 1), small_idat, IEND)
    files["ihdr-height-ffffffff.png"] = png(ihdr(1, 0xFFFFFFFF), small_idat, IEND)
    files["ihdr-bit-depth-3.png"] = png(ihdr(28, 28, bit_depth=3), good_idat, IEND)
    files["ihdr-rgb-bit-depth-4.png"] = png(ihdr(28, 28, bit_depth=4, color_type=2), good_idat, IEND)
    files["ihdr-colour-type-5.png"] = png(ihdr(28, 28, color_type=5), good_idat, IEND)
    files["ihdr-interlace-2.png"] = png(ihdr(28, 28, interlace=2), good_idat, IEND)
    files["ihdr-compression-1.png"] = png(ihdr(28, 28, compression=1), good_idat, IEND)
    files["ihdr-filter-1.png"] = png(ihdr(28, 28, filter_method=1), good_idat, IEND)
    files["ihdr-length-12.png"] = png(chunk("IHDR", struct.pack(">IIBBBB", 28, 28, 8, 0, 0, 0)), good_idat, IEND)
    files["ihdr-bad-crc.png"] = png(ihdr(28, 28)[:-4] + b"\x00\x00\x00\x00", good_idat, IEND)
    files["ihdr-twice.png"] = png(ihdr(28, 28), ihdr(28, 28), good_idat, IEND)
    files["missing-ihdr.png"] = png(good_idat, IEND)
    files["idat-before-ihdr.png"] = png(good_idat, ihdr(28, 28), good_idat, IEND)
    files["text-before-ihdr.png"] = png(chunk("tEXt", b"Comment\x00hello"), ihdr(28, 28), good_idat, IEND)
    files["no-idat.png"] = png(ihdr(28, 28), IEND)
    idat_data = zlib.compress(digit28(), 9)
    half = len(idat_data) // 2
    files["idat-split-by-text.png"] = png(ihdr(28, 28), chunk("IDAT", idat_data[:half]),
                                          chunk("tEXt", b"Comment\x00hello"), chunk("IDAT", idat_data[half:]), IEND)
    files["idat-too-short.png"] = png(ihdr(28, 28), chunk("IDAT", zlib.compress(digit28()[:400], 9)), IEND)
    files["idat-damaged-deflate.png"] = png(ihdr(28, 28), chunk("IDAT", b"\x78\x9c\xff\xff\xff\xff" + bytes(20)), IEND)
    files["data-after-iend.png"] = png(ihdr(28, 28), good_idat, IEND, b"trailing garbage", IEND)
    files["png-after-iend.png"] = png(ihdr(28, 28), good_idat, IEND) + png(ihdr(28, 28), good_idat, IEND)
    files["iend-length-4.png"] = png(ihdr(28, 28), good_idat, chunk("IEND", b"\x00\x00\x00\x00"))
    files["unknown-critical-chunk.png"] = png(ihdr(28, 28), chunk("CRIT", b"x"), good_idat, IEND)
    files["bad-chunk-type.png"] = png(ihdr(28, 28), chunk(b"t\x00Xt", b"x"), good_idat, IEND)
    files["plte-too-long.png"] = png(ihdr(28, 28, color_type=3), chunk("PLTE", bytes(3 * 257)), good_idat, IEND)
    files["plte-length-4.png"] = png(ihdr(28, 28, color_type=3), chunk("PLTE", bytes(4)), good_idat, IEND)
    # Zero-length tEXt, zTXt, iTXt, iCCP, sPLT ...: libpng's empty_ancillary_chunks.png.
    # Still a valid image: the chunks are dropped, the digit decodes.
    empties = b"".join(chunk(kind) for kind in ("tEXt", "zTXt", "iTXt", "iCCP", "sPLT", "pCAL", "sCAL", "eXIf", "tIME", "pHYs"))
    files["empty-ancillary-chunks.png"] = png(ihdr(28, 28), empties, good_idat, IEND)
    # 1,000 zero-length private chunks: decodes (the test multiplies them past the cap).
    files["many-tiny-chunks.png"] = png(ihdr(28, 28), chunk("tiNy") * 1000, good_idat, IEND)
    # A real text chunk with a real (large-ish) body: decodes, libpng never sees it.
    files["big-text-chunk.png"] = png(ihdr(28, 28), chunk("tEXt", b"Comment\x00" + b"x" * 20_000), good_idat, IEND)
    return files


ADAM7 = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2))


def sample(x, y, bit_depth):
    """The test pattern every `ok-*` image carries, a `bit_depth`-bit grey level."""
    return (x * 7 + y * 13) % (1 << bit_depth)


def pack_row(values, bit_depth):
    if bit_depth == 16:
        return b"".join(struct.pack(">H", v) for v in values)
    if bit_depth == 8:
        return bytes(values)
    per_byte = 8 // bit_depth
    out = bytearray()
    for i in range(0, len(values), per_byte):
        byte = 0
        for j, v in enumerate(values[i:i + per_byte]):
            byte |= v << (8 - bit_depth * (j + 1))
        out.append(byte)
    return bytes(out)


def gray_image_data(width, height, bit_depth, interlaced):
    """Filter-0 scanlines of the test pattern, in Adam7 pass order when interlaced."""
    passes = ADAM7 if interlaced else ((0, 0, 1, 1),)
    out = b""
    for x0, y0, dx, dy in passes:
        xs, ys = range(x0, width, dx), range(y0, height, dy)
        if not xs or not ys:
            continue  # an empty pass has no rows and no filter bytes
        for y in ys:
            out += b"\x00" + pack_row([sample(x, y, bit_depth) for x in xs], bit_depth)
    return out


def valid_fixtures():
    """Legit images at the edges of the size rules: every one must decode exactly."""
    files = {}
    for width, height, depth in ((1, 1, 8), (2, 3, 8), (5, 1, 8), (1, 9, 8), (9, 9, 8), (13, 7, 1),
                                 (9, 9, 2), (3, 3, 16), (33, 17, 4)):
        for interlaced in (False, True):
            data = zlib.compress(gray_image_data(width, height, depth, interlaced), 9)
            name = f"ok-gray{depth}-{width}x{height}{'-interlaced' if interlaced else ''}.png"
            files[name] = png(ihdr(width, height, depth, 0, 1 if interlaced else 0), chunk("IDAT", data), IEND)
    # Stored (uncompressed) deflate, deflate's worst case, split into 1-byte IDATs.
    data = zlib.compress(gray_image_data(28, 28, 8, False), 0)
    files["ok-stored-deflate-1-byte-idats.png"] = png(ihdr(28, 28), *(chunk("IDAT", data[i:i + 1]) for i in range(len(data))), IEND)
    return files


def main():
    OUT.mkdir(exist_ok=True)
    files = {**fixtures(), **valid_fixtures()}
    for name, data in sorted(files.items()):
        (OUT / name).write_bytes(data)
    print(f"wrote {len(files)} files to {OUT}")
    if len(sys.argv) == 3 and sys.argv[1] == "--big":
        big = Path(sys.argv[2])
        big.mkdir(parents=True, exist_ok=True)
        # The case: 28 x 28, 8 GiB of compressed zeros in an 8.3 MB file.
        (big / "idat-8gib-zero-bomb.png").write_bytes(png(ihdr(28, 28), idat_chunks(zero_stream(8192)), IEND))
        # A 4000 x 4000 image of zeros whose stream then goes on to 16 GiB: within the
        # pixel limit, so only the inflate cap stops it.
        (big / "idat-4000x4000-then-16gib.png").write_bytes(
            png(ihdr(4000, 4000), idat_chunks(zero_stream(16384)), IEND))
        # Every 12-byte zero-length chunk a 64 MiB file can hold.
        (big / "chunks-5m.png").write_bytes(png(ihdr(28, 28), chunk("tiNy") * 5_000_000,
                                                chunk("IDAT", zlib.compress(digit28(), 9)), IEND))
        print(f"wrote the big cases to {big}")


if __name__ == "__main__":
    main()
