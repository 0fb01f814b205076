"""Draw Yoriai's icon: assets/icons/yoriai.svg, yoriai.png (256 px) and yoriai.ico.

Three people around a warm hearth (寄り合い, a village gathering), in high contrast so it
reads at 16 px and to people with low vision. One list of shapes makes all three files;
the PNGs are rasterised here with numpy (4x4 supersampling), so no image library or
network is needed. Run it again after changing a shape:

    python installer/make_icons.py
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "assets" / "icons"
VIEW = 256

# (kind, geometry, colour): painted in order on a 256-unit canvas.
BACKGROUND = ("#1F5F73", (8, 8, 240, 240, 52))  # x, y, w, h, corner radius
CIRCLES = (
    ("#F2B33D", (128, 140, 36)),  # the hearth: cx, cy, r
    ("#FFFFFF", (70, 86, 28)),
    ("#FFFFFF", (186, 86, 28)),
    ("#FFFFFF", (128, 208, 26)),
)


def svg() -> str:
    x, y, w, h, r = BACKGROUND[1]
    shapes = [f'  <rect x="{x}" y="{y}" width="{w}" height="{h}" rx="{r}" fill="{BACKGROUND[0]}"/>']
    shapes += [
        f'  <circle cx="{cx}" cy="{cy}" r="{rad}" fill="{c}"/>' for c, (cx, cy, rad) in CIRCLES
    ]
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {VIEW} {VIEW}" role="img"'
        ' aria-label="Yoriai">\n  <title>Yoriai</title>\n' + "\n".join(shapes) + "\n</svg>\n"
    )


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=np.float64)


def raster(size: int, ss: int = 4) -> np.ndarray:
    """RGBA pixels (uint8, size x size) of the icon."""
    n = size * ss
    coords = (np.arange(n) + 0.5) * (VIEW / n)
    px, py = np.meshgrid(coords, coords)
    rgb = np.zeros((n, n, 3))
    alpha = np.zeros((n, n))
    x, y, w, h, r = BACKGROUND[1]
    # Rounded rectangle: distance to the inner rectangle shrunk by the radius.
    dx = np.maximum(np.abs(px - (x + w / 2)) - (w / 2 - r), 0)
    dy = np.maximum(np.abs(py - (y + h / 2)) - (h / 2 - r), 0)
    inside = np.hypot(dx, dy) <= r
    rgb[inside] = _rgb(BACKGROUND[0])
    alpha[inside] = 1.0
    for colour, (cx, cy, rad) in CIRCLES:
        disc = np.hypot(px - cx, py - cy) <= rad
        rgb[disc] = _rgb(colour)
        alpha[disc] = 1.0
    # Average each ss x ss block; colour weighted by coverage.
    a = alpha.reshape(size, ss, size, ss).mean(axis=(1, 3))
    c = (rgb * alpha[..., None]).reshape(size, ss, size, ss, 3).sum(axis=(1, 3))
    cover = alpha.reshape(size, ss, size, ss).sum(axis=(1, 3))[..., None]
    c = np.divide(c, cover, out=np.zeros_like(c), where=cover > 0)
    out = np.dstack([c, a * 255]).round().clip(0, 255).astype(np.uint8)
    return out


def png(pixels: np.ndarray) -> bytes:
    h, w, _ = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + pixels[y].tobytes() for y in range(h))
    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def ico(images: dict[int, bytes]) -> bytes:
    """An .ico holding PNG images (Windows Vista and later read them)."""
    head = struct.pack("<HHH", 0, 1, len(images))
    offset = 6 + 16 * len(images)
    entries, blobs = b"", b""
    for size, data in sorted(images.items()):
        dim = 0 if size >= 256 else size  # 0 means 256
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
        blobs += data
    return head + entries + blobs


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "yoriai.svg").write_text(svg(), encoding="utf-8")
    (OUT / "yoriai.png").write_bytes(png(raster(256)))
    (OUT / "yoriai.ico").write_bytes(ico({s: png(raster(s)) for s in (16, 24, 32, 48, 256)}))
    print(f"wrote {OUT}/yoriai.svg, yoriai.png, yoriai.ico", file=sys.stderr)


if __name__ == "__main__":
    main()
