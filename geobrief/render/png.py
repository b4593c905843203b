"""Small PNGs: reduce a screenshot to a 256-colour palette PNG.

Screenshots of a briefing are mostly flat colours and anti-aliased text, so a
palette of 256 colours keeps them legible at about a third of the size.  The
pixels are decoded by the same headless Chromium that took the screenshot
(no imaging library needed); quantising and encoding use NumPy and zlib.
"""

from __future__ import annotations

import base64
import struct
import zlib
from typing import Any

import numpy as np

_DECODE = """async (url) => {
  const img = new Image(); img.src = url; await img.decode();
  const c = document.createElement("canvas"); c.width = img.width; c.height = img.height;
  const g = c.getContext("2d"); g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, img.width, img.height).data;
  let s = ""; const CH = 0x8000;
  for (let i = 0; i < d.length; i += CH) { s += String.fromCharCode.apply(null, d.subarray(i, i + CH)); }
  return [img.width, img.height, btoa(s)];
}"""


def decode_rgb(png: bytes, page: Any) -> np.ndarray:
    """Pixels of a PNG as an ``(height, width, 3)`` uint8 array, decoded by a Playwright page."""
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    width, height, data = page.evaluate(_DECODE, url)
    rgba = np.frombuffer(base64.b64decode(data), dtype=np.uint8).reshape(height, width, 4)
    return rgba[:, :, :3]


def quantize(rgb: np.ndarray, colors: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """Map an RGB image onto at most *colors* of its own colours.

    The palette starts with the most frequent colour and greedily adds the
    colour that is furthest from the palette, weighted by how often it
    occurs (so flat fills, text and small coloured symbols all keep their
    colour); every pixel then takes its nearest palette colour.

    Parameters
    ----------
    rgb : numpy.ndarray
        ``(height, width, 3)`` uint8 image.
    colors : int
        Palette size, 2 to 256.

    Returns
    -------
    indices : numpy.ndarray
        ``(height, width)`` uint8 palette indices.
    palette : numpy.ndarray
        ``(n, 3)`` uint8 colours, ``n <= colors``.
    """
    colors = max(2, min(256, int(colors)))
    height, width, _ = rgb.shape
    flat = rgb.reshape(-1, 3).astype(np.uint32)
    keys = (flat[:, 0] << 16) | (flat[:, 1] << 8) | flat[:, 2]
    unique, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
    cols = np.stack([(unique >> 16) & 255, (unique >> 8) & 255, unique & 255], axis=1).astype(np.int64)
    if len(unique) <= colors:
        chosen = np.arange(len(unique))
        nearest = np.arange(len(unique))
    else:
        weight = np.sqrt(counts.astype(np.float64))
        first = int(np.argmax(counts))
        picks = [first]
        dist = ((cols - cols[first]) ** 2).sum(axis=1)
        for _ in range(colors - 1):
            j = int(np.argmax(dist * weight))
            picks.append(j)
            dist = np.minimum(dist, ((cols - cols[j]) ** 2).sum(axis=1))
        chosen = np.array(picks)
        palette_cols = cols[chosen]
        nearest = np.empty(len(unique), dtype=np.int64)
        for s in range(0, len(unique), 4096):
            d = ((cols[s : s + 4096, None, :] - palette_cols[None, :, :]) ** 2).sum(axis=2)
            nearest[s : s + 4096] = d.argmin(axis=1)
    indices = nearest[inverse.reshape(-1)].reshape(height, width).astype(np.uint8)
    return indices, cols[chosen].astype(np.uint8)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_palette_png(indices: np.ndarray, palette: np.ndarray) -> bytes:
    """An 8-bit palette PNG (colour type 3) of *indices* over *palette*."""
    height, width = indices.shape
    # No filtering: palette indices are not magnitudes, and runs of equal
    # indices (flat fills) deflate best as they are.
    raw = np.concatenate([np.zeros((height, 1), np.uint8), indices.astype(np.uint8)], axis=1)
    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"PLTE", palette.astype(np.uint8).tobytes())
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 9))
        + _chunk(b"IEND", b"")
    )


def palette_png(png: bytes, page: Any, colors: int = 256) -> bytes:
    """Re-encode a PNG screenshot as a palette PNG of at most *colors* colours."""
    indices, palette = quantize(decode_rgb(png, page), colors)
    return encode_palette_png(indices, palette)
