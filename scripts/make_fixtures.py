#!/usr/bin/env python3
"""Generate the small test fixtures committed under ``tests/fixtures/``.

Groups, each with an ``expected.json`` describing what a reader of the
files should find:

``tests/fixtures/ocr/``
    Single text lines (names with rare characters 玥 喆 婧 旸 堃, names with
    the middle dot ·, unit names) in Noto Sans CJK SC, Noto Serif CJK SC and
    WenQuanYi Zen Hei at 10.5–14 pt rendered at 150, 200 and 300 DPI, some
    with Gaussian noise or blur; one small page of several lines plus the same
    page rotated 90°, 180°, 270° clockwise and skewed by 3°.  Every line's
    exact text and every character's ink box are recorded.

``tests/fixtures/meta/``
    One small page (姓名：王玥 …) in many containers: JPEG with EXIF (Artist,
    ImageDescription, XPAuthor, GPS, an embedded thumbnail), XMP and a
    comment; a PDF with Info and XMP metadata; CMYK JPEG; 16-bit grey PNG;
    RGBA PNG; JPEG stored sideways with EXIF Orientation 6; 3-page TIFF;
    WebP; BMP; a GIF named .jpg.

``tests/fixtures/layer/``
    Vector PDFs whose text layer lies: invisible text over a pasted image of
    the form, a garbled character map (ToUnicode entries shifted), a decoy
    text hidden under an opaque image.  What the page shows is recorded.

``tests/fixtures/scripts/``
    Pages where a name or unit is also written in another script: a Xinjiang
    ID card with Uyghur labels and the holder's name in Uyghur above the
    Chinese, its back (bilingual labels only, nothing to mask), a letterhead
    with the unit in Uyghur under the Chinese, a certificate with the name's
    pinyin, a letterhead with the unit in two vertical Mongolian columns
    beside the Chinese, and a form whose name cell holds the name's vertical
    Mongolian spelling (the 姓名 label's Mongolian beside it stays visible).
    Uyghur is shaped with raqm in UKIJ Tuz Tom (fonts-ukij-uyghur), Mongolian
    in Noto Sans Mongolian (fonts-noto-core).

``tests/fixtures/handwriting/``
    Names and units written by hand where a page's layout puts them: an
    award certificate's "______同学：" filled in, a form's 姓名 and 工作单位
    cells and its 承诺人（签字） line, and the same form left blank (nothing
    to mask).  The hand is AR PL UKai (fonts-arphic-ukai) with every
    character turned, sheared, scaled and shifted at random, crowded and
    thickened, in ballpoint blue.

``tests/fixtures/seals/``
    Seals as real ones are stamped: a red-header notice whose two seals of
    the unit overlap each other and the two signer lines under them, and a
    phone photo (blue cast, darker corners) of a certificate with a faint
    seal whose ring is broken, with a serial number on its lower arc,
    stamped over the unit's name; a health commission's seal over the line
    naming the unit; a photo of a hospital receipt whose cashier seal is
    blue, with the region's finance seal over its title.

``tests/fixtures/misread/``
    Notices in small print photographed soft and noisy, each naming an
    applicant whose two-character name the recognizer reads with one
    character wrong (its alternatives hold the right one), beside another
    person sharing a character of the name.

``tests/fixtures/bad/``
    Files a batch run must survive: empty, mislabelled, random bytes,
    truncated JPEG/PNG, password-protected PDF, a PDF with no pages, a PDF
    whose cross-reference table is garbled, and an owner-password-only PDF
    that must still be processed.

``tests/fixtures/hostile/``
    Issue 30's hostile corpus, one applicant's files: a PDF whose character
    map lies about the name's and unit's glyphs alone, an honest form (the
    tests tamper with its output: see-through and lighter masks, extra and
    orphaned files, changed settings, a second run or server on the folder),
    a JPEG whose data breaks off inside, and a four-page TIFF.
    ``--big-tiff PAGES`` also writes ``big/`` (not committed): an intake with
    one 300 DPI A4 TIFF of PAGES pages, for the memory bench.

Boxes are ``[x0, y0, x1, y1]`` in image pixels (origin top-left, x1/y1
exclusive) covering the ink of the characters; PDF coordinates are pixels of
the page rendered at 200 DPI.  The script is deterministic; run it with any
``python3`` (it sets up and re-uses the same virtual environment as
``make_samples.py``, whose drawing helpers it imports).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_samples as ms  # noqa: E402  (also bootstraps the venv)

import argparse  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import struct  # noqa: E402
import zlib  # noqa: E402

import numpy as np  # noqa: E402
from fpdf.enums import TextMode  # noqa: E402
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont, ImageOps  # noqa: E402

FIXTURES = ms.REPO_ROOT / "tests" / "fixtures"

NAME = "王玥"
UNIT_ALIAS = "巴州人民医院"

# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------


def int_box(box) -> list[int]:
    """Round a float ink box outwards to whole pixels."""
    x0, y0, x1, y1 = box
    return [math.floor(x0), math.floor(y0), math.ceil(x1), math.ceil(y1)]


def degrade(img: Image.Image, seed: int, noise: float, blur: float) -> Image.Image:
    """Gaussian blur of radius ``blur`` then Gaussian noise of sigma ``noise``."""
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = np.random.default_rng(seed)
        arr = np.asarray(img, dtype=np.float32)
        arr = arr + rng.normal(0.0, noise, size=arr.shape).astype(np.float32)
        img = Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), img.mode)
    return img


def ink_bbox(img: Image.Image, threshold=250):
    """Bounding box of pixels darker than ``threshold`` (None if blank)."""
    arr = np.asarray(img.convert("L"))
    ys, xs = np.nonzero(arr < threshold)
    if len(xs) == 0:
        return None
    return [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1]


def check_close(label, predicted, measured, tol=2):
    """Fail loudly when a recorded box and the measured ink disagree."""
    if measured is None or any(abs(a - b) > tol for a, b in zip(predicted, measured)):
        raise SystemExit(f"self-check failed for {label}: recorded {predicted}, ink {measured}")


# --------------------------------------------------------------------------
# OCR fixtures
# --------------------------------------------------------------------------

OCR_LINES = [
    # file stem, font, pt, dpi, text, noise sigma, blur radius
    ("line01_sans_12pt_200dpi", "sans", 12, 200, "姓名：王玥", 0, 0),
    ("line02_serif_10.5pt_150dpi", "serif", 10.5, 150, "工作单位：巴音郭楞蒙古自治州人民医院", 0, 0),
    ("line03_wqy_14pt_300dpi", "wqy", 14, 300, "申报人：阿依古丽·买买提", 0, 0),
    ("line04_sans_10.5pt_300dpi", "sans", 10.5, 300, "李喆 赵婧 陈旸 刘堃", 0, 0),
    ("line05_serif_14pt_200dpi_noise", "serif", 14, 200, "焉耆回族自治县人民医院", 12, 0),
    ("line06_wqy_12pt_150dpi_blur", "wqy", 12, 150, "巴州人民医院心血管内科", 0, 1.0),
    ("line07_sans_14pt_150dpi_noise_blur", "sans", 14, 150, "兹推荐刘堃同志申报副主任医师资格", 10, 0.8),
    ("line08_serif_12pt_300dpi_blur", "serif", 12, 300, "巴特尔·孟和", 0, 1.5),
    ("line09_wqy_10.5pt_200dpi_noise", "wqy", 10.5, 200, "库尔勒市第二人民医院", 8, 0),
    ("line10_sans_10.5pt_150dpi", "sans", 10.5, 150, "王婧、张喆、李旸、吴堃", 0, 0),
]

OCR_PAGE_LINES = [
    # text, font, pt, x, baseline (pixels of the 1000x700 page at 200 DPI)
    ("单位推荐意见", "sans", 16, 380, 110),
    ("姓名：王玥    性别：女", "serif", 12, 80, 210),
    ("工作单位：巴音郭楞蒙古自治州人民医院", "serif", 12, 80, 300),
    ("兹推荐王玥同志申报副主任医师资格。", "serif", 12, 80, 390),
    ("科室负责人：张喆", "wqy", 12, 80, 480),
    ("2024年5月20日", "wqy", 12, 640, 600),
]

OCR_VERTICAL_COLUMNS = [
    # text written top to bottom with upright characters, font, pt, x, first baseline
    ("巴音郭楞蒙古自治州人民医院", "serif", 12, 860, 90),
    ("申报人王玥", "sans", 14, 760, 90),
]


def line_record(glyphs, text) -> dict:
    """``{"text", "bbox", "chars"}`` for one drawn line (float boxes kept)."""
    chars = [{"char": g.ch, "box": g.box} for g in glyphs if g.box is not None]
    box = ms.union_box([c["box"] for c in chars])
    return {"text": text, "box": box, "chars": chars}


def map_record(rec: dict, fn) -> dict:
    """Map a line record's boxes through point function ``fn``.

    Each box's four corners are mapped; the new box encloses them and the
    exact quadrilateral is kept as ``poly``.
    """
    def map_box(box):
        pts = [fn(p) for p in ms.rect_poly(box)]
        xs, ys = [p[0] for p in pts], [p[1] for p in pts]
        return (min(xs), min(ys), max(xs), max(ys)), pts

    box, poly = map_box(rec["box"])
    chars = []
    for c in rec["chars"]:
        cbox, cpoly = map_box(c["box"])
        chars.append({"char": c["char"], "box": cbox, "poly": cpoly})
    return {"text": rec["text"], "box": box, "poly": poly, "chars": chars}


def record_json(rec: dict, with_poly: bool) -> dict:
    out = {"text": rec["text"], "bbox": int_box(rec["box"])}
    if with_poly:
        out["poly"] = [[round(x, 1), round(y, 1)] for x, y in rec["poly"]]
    chars = []
    for c in rec["chars"]:
        item = {"char": c["char"], "bbox": int_box(c["box"])}
        if with_poly:
            item["poly"] = [[round(x, 1), round(y, 1)] for x, y in c["poly"]]
        chars.append(item)
    out["chars"] = chars
    return out


def make_ocr(out: Path) -> dict:
    """Write the OCR fixtures; returns the ``expected.json`` document."""
    images = []
    for i, (stem, font, pt, dpi, text, noise, blur) in enumerate(OCR_LINES):
        px = pt * dpi / 72.0
        probe = ms.RasterPage(10, 10, dpi=dpi)
        width = math.ceil(probe.text_width(text, font, pt) + 1.2 * px)
        height = math.ceil(2.0 * px)
        page = ms.RasterPage(width, height, dpi=dpi)
        glyphs = page.text(0.6 * px, 1.38 * px, text, font=font, pt=pt)
        rec = line_record(glyphs, text)
        img = page.image.convert("L")
        check_close(stem, int_box(rec["box"]), ink_bbox(img))
        img = degrade(img, seed=1000 + i, noise=noise, blur=blur)
        img.save(out / f"{stem}.png", optimize=True)
        images.append({
            "file": f"{stem}.png",
            "kind": "line",
            "font": ms.FONT_LABELS[font],
            "font_key": font,
            "pt": pt,
            "dpi": dpi,
            "px_per_em": round(px, 2),
            "width": img.width,
            "height": img.height,
            "mode": img.mode,
            "noise_sigma": noise,
            "blur_radius": blur,
            "transform": None,
            "lines": [record_json(rec, with_poly=False)],
        })

    # the small page and its rotated / skewed variants
    page = ms.RasterPage(1000, 700, dpi=200)
    records = []
    for text, font, pt, x, baseline in OCR_PAGE_LINES:
        glyphs = page.text(x, baseline, text, font=font, pt=pt)
        records.append(line_record(glyphs, text))
    base = page.image
    w, h = base.size
    check_close("page", int_box(ms.union_box([r["box"] for r in records])), ink_bbox(base))
    fonts = sorted({ms.FONT_LABELS[f] for _, f, _, _, _ in OCR_PAGE_LINES})

    variants = [
        ("page.png", None, base, lambda p: p),
        ("page_rot90cw.png", {"rotate_cw": 90}, base.transpose(Image.Transpose.ROTATE_270),
         lambda p: (h - p[1], p[0])),
        ("page_rot180.png", {"rotate_cw": 180}, base.transpose(Image.Transpose.ROTATE_180),
         lambda p: (w - p[0], h - p[1])),
        ("page_rot270cw.png", {"rotate_cw": 270}, base.transpose(Image.Transpose.ROTATE_90),
         lambda p: (p[1], w - p[0])),
    ]
    skew = base.rotate(3.0, resample=Image.BICUBIC, expand=True, fillcolor=(255, 255, 255))
    sw, sh = skew.size

    def skew_point(p):
        q = ms.rotate_point(p, 3.0, w / 2, h / 2)
        return (q[0] - w / 2 + sw / 2, q[1] - h / 2 + sh / 2)

    variants.append(("page_skew3ccw.png", {"rotate_ccw_deg": 3.0, "expand": True,
                                           "fill": "white"}, skew, skew_point))
    for file, transform, img, fn in variants:
        mapped = [map_record(r, fn) for r in records]
        skewed = transform is not None and "rotate_ccw_deg" in transform
        if not skewed:
            check_close(file, int_box(ms.union_box([m["box"] for m in mapped])), ink_bbox(img))
        img.save(out / file, optimize=True)
        images.append({
            "file": file,
            "kind": "page",
            "font": fonts,
            "dpi": 200,
            "width": img.width,
            "height": img.height,
            "mode": img.mode,
            "noise_sigma": 0,
            "blur_radius": 0,
            "transform": transform,
            "source": None if transform is None else "page.png",
            "lines": [record_json(m, with_poly=skewed) for m in mapped],
        })
    images.append(make_vertical(out))
    return {
        "generator": "scripts/make_fixtures.py",
        "coordinates": "image pixels, origin top-left; bbox [x0,y0,x1,y1] encloses the ink "
                       "of the characters (x1,y1 exclusive); for the skewed page poly gives "
                       "the exact rotated quadrilateral; chars skips whitespace",
        "transform_meaning": "rotate_cw: the upright page.png turned clockwise by that many "
                             "degrees (text then reads top-to-bottom for 90); rotate_ccw_deg: "
                             "rotated counter-clockwise about the centre with the canvas "
                             "enlarged to fit",
        "images": images,
    }


def make_vertical(out: Path) -> dict:
    """A page with horizontal lines and columns of upright characters read top to bottom."""
    page = ms.RasterPage(1000, 700, dpi=200)
    records = []
    for text, font, pt, x, baseline in OCR_PAGE_LINES[:3]:
        records.append(line_record(page.text(x * 0.6, baseline, text, font=font, pt=pt), text))
    for text, font, pt, x, baseline in OCR_VERTICAL_COLUMNS:
        pitch = 1.15 * page.px(pt)
        glyphs = [g for k, ch in enumerate(text)
                  for g in page.text(x, baseline + k * pitch, ch, font=font, pt=pt)]
        records.append(line_record(glyphs, text))
    img = page.image
    check_close("page_vertical", int_box(ms.union_box([r["box"] for r in records])),
                ink_bbox(img))
    img.save(out / "page_vertical.png", optimize=True)
    return {
        "file": "page_vertical.png",
        "kind": "page",
        "font": sorted({ms.FONT_LABELS[f] for _, f, _, _, _ in OCR_VERTICAL_COLUMNS}),
        "dpi": 200,
        "width": img.width,
        "height": img.height,
        "mode": img.mode,
        "noise_sigma": 0,
        "blur_radius": 0,
        "transform": {"vertical_columns": len(OCR_VERTICAL_COLUMNS)},
        "source": None,
        "lines": [record_json(r, with_poly=False) for r in records],
    }


# --------------------------------------------------------------------------
# EXIF / JPEG segment writing (by hand, so every field is under control)
# --------------------------------------------------------------------------

BYTE, ASCII, SHORT, LONG, RATIONAL, UNDEFINED = 1, 2, 3, 4, 5, 7
_TYPE_SIZE = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, UNDEFINED: 1}


def _encode_value(typ, value) -> tuple[int, bytes]:
    """Little-endian payload and element count of one IFD entry."""
    if typ in (ASCII, BYTE, UNDEFINED):
        data = bytes(value)
        return len(data), data
    if typ == SHORT:
        return len(value), b"".join(struct.pack("<H", v) for v in value)
    if typ == LONG:
        return len(value), b"".join(struct.pack("<I", v) for v in value)
    if typ == RATIONAL:
        return len(value), b"".join(struct.pack("<II", n, d) for n, d in value)
    raise ValueError(typ)


def _ifd_size(entries) -> int:
    size = 2 + 12 * len(entries) + 4
    for typ_value in entries:
        _, typ, value = typ_value
        _, data = _encode_value(typ, value)
        if len(data) > 4:
            size += len(data) + (len(data) & 1)
    return size


def _write_ifd(entries, offset: int, next_ifd: int) -> bytes:
    """Serialise one IFD located at ``offset`` (from the TIFF header)."""
    entries = sorted(entries, key=lambda e: e[0])
    head = struct.pack("<H", len(entries))
    data_offset = offset + 2 + 12 * len(entries) + 4
    body, data_area = b"", b""
    for tag, typ, value in entries:
        count, data = _encode_value(typ, value)
        if len(data) <= 4:
            field = data.ljust(4, b"\0")
        else:
            field = struct.pack("<I", data_offset + len(data_area))
            data_area += data + (b"\0" if len(data) & 1 else b"")
        body += struct.pack("<HHI", tag, typ, count) + field
    return head + body + struct.pack("<I", next_ifd) + data_area


def build_exif(ifd0, exif_ifd=None, gps_ifd=None, thumbnail: bytes | None = None) -> bytes:
    """A complete ``Exif\\0\\0`` APP1 payload (little-endian TIFF structure).

    ``ifd0``/``exif_ifd``/``gps_ifd`` are lists of ``(tag, type, value)``;
    the pointer tags and IFD1 (thumbnail) are added here.
    """
    ifd0 = list(ifd0)
    if exif_ifd:
        ifd0.append((0x8769, LONG, [0]))
    if gps_ifd:
        ifd0.append((0x8825, LONG, [0]))
    ifd1 = None
    if thumbnail:
        ifd1 = [(0x0103, SHORT, [6]), (0x011A, RATIONAL, [(72, 1)]),
                (0x011B, RATIONAL, [(72, 1)]), (0x0128, SHORT, [2]),
                (0x0201, LONG, [0]), (0x0202, LONG, [len(thumbnail)])]
    # layout: header, IFD0, Exif IFD, GPS IFD, IFD1, thumbnail
    off_ifd0 = 8
    off_exif = off_ifd0 + _ifd_size(ifd0)
    off_gps = off_exif + (_ifd_size(exif_ifd) if exif_ifd else 0)
    off_ifd1 = off_gps + (_ifd_size(gps_ifd) if gps_ifd else 0)
    off_thumb = off_ifd1 + (_ifd_size(ifd1) if ifd1 else 0)

    def patch(entries, tag, value):
        return [(t, ty, [value] if t == tag else v) for t, ty, v in entries]

    if exif_ifd:
        ifd0 = patch(ifd0, 0x8769, off_exif)
    if gps_ifd:
        ifd0 = patch(ifd0, 0x8825, off_gps)
    tiff = b"II*\0" + struct.pack("<I", off_ifd0)
    tiff += _write_ifd(ifd0, off_ifd0, off_ifd1 if ifd1 else 0)
    if exif_ifd:
        tiff += _write_ifd(exif_ifd, off_exif, 0)
    if gps_ifd:
        tiff += _write_ifd(gps_ifd, off_gps, 0)
    if ifd1:
        tiff += _write_ifd(patch(ifd1, 0x0201, off_thumb), off_ifd1, 0)
        tiff += thumbnail
    assert len(tiff) == off_thumb + (len(thumbnail) if thumbnail else 0)
    return b"Exif\0\0" + tiff


def jpeg_with_segments(jpeg: bytes, segments: list[tuple[int, bytes]]) -> bytes:
    """Replace the JFIF APP0 of a Pillow JPEG by the given ``(marker, payload)`` segments."""
    assert jpeg[:2] == b"\xff\xd8"
    rest = jpeg[2:]
    if rest[:2] == b"\xff\xe0":  # drop APP0 (JFIF)
        length = struct.unpack(">H", rest[2:4])[0]
        rest = rest[2 + length:]
    out = b"\xff\xd8"
    for marker, payload in segments:
        if len(payload) + 2 > 0xFFFF:
            raise ValueError("segment too large")
        out += bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    return out + rest


def jpeg_bytes(img: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def xmp_packet(creator: str, title: str, description: str) -> str:
    """A small XMP document naming the creator (the applicant)."""
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xmp="http://ns.adobe.com/xap/1.0/">'
        f'<dc:creator><rdf:Seq><rdf:li>{creator}</rdf:li></rdf:Seq></dc:creator>'
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>'
        f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{description}</rdf:li>'
        '</rdf:Alt></dc:description>'
        '<xmp:CreatorTool>Scanner Utility 3.2</xmp:CreatorTool>'
        '</rdf:Description></rdf:RDF></x:xmpmeta>'
    )


def xmp_app1(xml: str) -> bytes:
    packet = ('<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>' + xml
              + '<?xpacket end="w"?>')
    return b"http://ns.adobe.com/xap/1.0/\0" + packet.encode("utf-8")


def dms(value: float) -> list[tuple[int, int]]:
    """Degrees/minutes/seconds rationals for a GPS coordinate."""
    deg = int(value)
    minutes_f = (value - deg) * 60
    minutes = int(minutes_f)
    seconds = round((minutes_f - minutes) * 60 * 100)
    return [(deg, 1), (minutes, 1), (seconds, 100)]


# --------------------------------------------------------------------------
# Metadata / container fixtures
# --------------------------------------------------------------------------


def meta_page(page_no: int | None = None) -> tuple[Image.Image, list[ms.Region]]:
    """The 800x600 page used by every container fixture."""
    marks = [(NAME, "name"), (UNIT_ALIAS, "unit")]
    page = ms.RasterPage(800, 600, marks=marks, dpi=200)
    page.rect(30, 30, 770, 570, 2, (120, 120, 120))
    title = "年度考核登记表" if page_no is None else f"年度考核登记表（第{page_no}页）"
    page.text(400, 120, title, font="serif", pt=16, align="center")
    page.text(80, 250, f"姓名：{NAME}", font="sans", pt=14)
    page.text(80, 350, f"工作单位：{UNIT_ALIAS}", font="sans", pt=14)
    page.text(80, 450, "考核等次：优秀", font="sans", pt=14)
    page.text(720, 530, "2024年1月20日", font="sans", pt=11, align="right")
    return page.image, page.regions


def regions_json(regions, w, h):
    return [r.to_json(w, h) for r in regions]


def make_meta(out: Path) -> dict:
    """Write the container/metadata fixtures; returns ``expected.json``."""
    files = []
    img, regions = meta_page()
    w, h = img.size
    page_regions = regions_json(regions, w, h)

    def entry(file, fmt, color, pages=1, **extra):
        item = {"file": file, "format": fmt, "pages": pages, "width": w, "height": h,
                "stored_width": w, "stored_height": h, "orientation": 1, "color": color,
                "bit_depth": 8, "alpha": False, "name_in_metadata": [],
                "page_regions": page_regions}
        item.update(extra)
        files.append(item)

    # JPEG with EXIF (incl. GPS + thumbnail), XMP and a comment
    thumb = jpeg_bytes(img.resize((160, 120), Image.LANCZOS), quality=70)
    exif = build_exif(
        ifd0=[
            (0x010E, ASCII, f"{NAME}-身份证正面扫描件".encode("utf-8") + b"\0"),
            (0x010F, ASCII, b"Canon\0"),
            (0x0110, ASCII, b"CanoScan LiDE 300\0"),
            (0x0112, SHORT, [1]),
            (0x011A, RATIONAL, [(200, 1)]),
            (0x011B, RATIONAL, [(200, 1)]),
            (0x0128, SHORT, [2]),
            (0x0131, ASCII, b"Scanner Utility 3.2\0"),
            (0x0132, ASCII, b"2024:05:16 10:21:07\0"),
            (0x013B, ASCII, NAME.encode("utf-8") + b"\0"),
            (0x9C9D, BYTE, (NAME + "\0").encode("utf-16-le")),  # XPAuthor
        ],
        exif_ifd=[
            (0x9000, UNDEFINED, b"0232"),
            (0x9003, ASCII, b"2024:05:16 10:21:07\0"),
            (0xA001, SHORT, [1]),
            (0xA002, LONG, [w]),
            (0xA003, LONG, [h]),
        ],
        gps_ifd=[
            (0x0000, BYTE, bytes([2, 3, 0, 0])),
            (0x0001, ASCII, b"N\0"),
            (0x0002, RATIONAL, dms(41.7259)),
            (0x0003, ASCII, b"E\0"),
            (0x0004, RATIONAL, dms(86.1746)),
            (0x0005, BYTE, bytes([0])),
            (0x0006, RATIONAL, [(93200, 100)]),
        ],
        thumbnail=thumb,
    )
    xmp = xmp_app1(xmp_packet(NAME, f"{NAME}-身份证正面", f"{NAME} {UNIT_ALIAS}"))
    data = jpeg_with_segments(
        jpeg_bytes(img, quality=85),
        [(0xE1, exif), (0xE1, xmp), (0xFE, f"扫描人：{NAME}".encode("utf-8"))],
    )
    (out / "with_exif.jpg").write_bytes(data)
    entry("with_exif.jpg", "jpeg", "rgb",
          name_in_metadata=["exif:ImageDescription", "exif:Artist", "exif:XPAuthor",
                            "exif:thumbnail(image)", "xmp:dc:creator", "xmp:dc:title",
                            "xmp:dc:description", "jpeg:COM"],
          has_gps=True, has_thumbnail=True, thumbnail_size=[160, 120])

    # vector PDF with Info and XMP metadata, page 800x600 px at 200 DPI
    doc = ms.VectorDoc(title=f"{NAME}-年度考核登记表", author=NAME,
                       size_pt=(800 / ms.PX_PER_PT, 600 / ms.PX_PER_PT))
    doc.pdf.set_subject(f"{NAME} 2023年度考核")
    doc.pdf.set_keywords(f"{NAME} {UNIT_ALIAS} 职称申报")
    doc.pdf.set_xmp_metadata(xmp_packet(NAME, f"{NAME}-年度考核登记表", UNIT_ALIAS))
    vp = doc.add_page([(NAME, "name"), (UNIT_ALIAS, "unit")])
    vp.rect(30, 30, 770, 570, 2, (120, 120, 120))
    vp.text(400, 120, "年度考核登记表", font="serif", pt=16, align="center")
    vp.text(80, 250, f"姓名：{NAME}", font="sans", pt=14)
    vp.text(80, 350, f"工作单位：{UNIT_ALIAS}", font="sans", pt=14)
    vp.text(80, 450, "考核等次：优秀", font="sans", pt=14)
    doc.save(out / "with_meta.pdf")
    entry("with_meta.pdf", "pdf", "vector", width=vp.width, height=vp.height,
          stored_width=None, stored_height=None,
          width_pt=round(doc.size_pt[0], 3), height_pt=round(doc.size_pt[1], 3),
          name_in_metadata=["info:Title", "info:Author", "info:Subject", "info:Keywords",
                            "xmp:dc:creator", "xmp:dc:title", "text layer"],
          page_regions=regions_json(vp.regions, vp.width, vp.height))

    # CMYK JPEG
    img.convert("CMYK").save(out / "cmyk.jpg", "JPEG", quality=85)
    entry("cmyk.jpg", "jpeg", "cmyk",
          adobe_app14=b"Adobe" in (out / "cmyk.jpg").read_bytes()[:2000])

    # 16-bit greyscale PNG
    grey = np.asarray(img.convert("L"), dtype=np.uint16) * 257
    gray16 = Image.fromarray(grey.astype(np.uint16))
    assert gray16.mode == "I;16", gray16.mode
    gray16.save(out / "gray16.png")
    entry("gray16.png", "png", "gray", bit_depth=16)

    # RGBA PNG: black ink whose coverage is the alpha channel, so that the
    # page is reproduced exactly when composited over white; the transparent
    # background's colour channels are black too.
    rgba = np.zeros((h, w, 4), dtype=np.uint8)
    rgba[..., 3] = 255 - np.asarray(img.convert("L"), dtype=np.uint8)
    Image.fromarray(rgba, "RGBA").save(out / "rgba.png", optimize=True)
    entry("rgba.png", "png", "rgba", alpha=True,
          note="background is fully transparent with black colour channels: composite over "
               "white (dropping alpha gives a black page with black text)")

    # JPEG stored sideways with EXIF Orientation 6 (rotate 90° CW to display)
    stored = img.transpose(Image.Transpose.ROTATE_90)  # 90° counter-clockwise
    exif6 = build_exif(ifd0=[(0x0112, SHORT, [6]), (0x0131, ASCII, b"Phone Camera\0")])
    data = jpeg_with_segments(jpeg_bytes(stored, quality=85), [(0xE1, exif6)])
    (out / "rotated_exif.jpg").write_bytes(data)
    entry("rotated_exif.jpg", "jpeg", "rgb", orientation=6,
          stored_width=stored.width, stored_height=stored.height)

    # 3-page TIFF (RGB, greyscale, RGB), LZW
    pages = []
    page_info = []
    for k in (1, 2, 3):
        p_img, p_regions = meta_page(k)
        if k == 2:
            p_img = p_img.convert("L")
        pages.append(p_img)
        page_info.append({"page": k, "width": p_img.width, "height": p_img.height,
                          "color": "gray" if k == 2 else "rgb",
                          "regions": regions_json(p_regions, p_img.width, p_img.height)})
    pages[0].save(out / "multipage.tif", "TIFF", save_all=True, append_images=pages[1:],
                  compression="tiff_lzw", dpi=(200, 200))
    entry("multipage.tif", "tiff", "rgb", pages=3, per_page=page_info,
          page_regions=page_info[0]["regions"])

    img.save(out / "page.webp", "WEBP", quality=80, method=4)
    entry("page.webp", "webp", "rgb", lossy=True)
    # 8-bit palette BMP (a 24-bit one would be 1.4 MB)
    img.convert("L").convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(
        out / "page.bmp", "BMP")
    entry("page.bmp", "bmp", "palette", note="8 bits per pixel with a 256-entry palette")
    # A GIF saved under a JPEG's name, as some scanning apps and web pages do
    img.convert("P", palette=Image.Palette.ADAPTIVE, colors=256).save(out / "saved_as.jpg",
                                                                      "GIF")
    entry("saved_as.jpg", "gif", "palette", note="a GIF under a .jpg name")

    verify_meta(out, files)
    return {
        "generator": "scripts/make_fixtures.py",
        "text": f"姓名：{NAME} / 工作单位：{UNIT_ALIAS}",
        "fields": {
            "width/height": "displayed size after EXIF orientation (PDF: page at 200 DPI)",
            "stored_width/stored_height": "pixel array as stored in the file",
            "name_in_metadata": "places besides the pixels where the name appears; an output "
                                "must carry none of them",
            "page_regions": "boxes of the name and unit text on the displayed page",
        },
        "files": files,
    }


def verify_meta(out: Path, files: list[dict]):
    """Re-open every raster fixture with Pillow and compare with the record."""
    for item in files:
        if item["format"] == "pdf":
            continue
        with Image.open(out / item["file"]) as im:
            n = getattr(im, "n_frames", 1)
            assert n == item["pages"], (item["file"], n)
            assert im.size == (item["stored_width"], item["stored_height"]), item["file"]
            shown = ImageOps.exif_transpose(im)
            assert shown.size == (item["width"], item["height"]), item["file"]
            if item["file"] == "with_exif.jpg":
                exif = im.getexif()
                # Pillow decodes EXIF ASCII as Latin-1; the bytes are UTF-8
                artist = exif[0x013B].encode("latin-1").decode("utf-8")
                assert artist == NAME, artist
                assert exif.get_ifd(0x8825)[1] == "N"
                assert NAME in im.info["xmp"].decode("utf-8")
                assert NAME.encode("utf-8") in im.info["comment"]
            if item["file"] == "gray16.png":
                ihdr = (out / item["file"]).read_bytes()[16:26]
                assert ihdr[8] == 16 and ihdr[9] == 0, ihdr  # bit depth 16, colour type grey


# --------------------------------------------------------------------------
# Bad files
# --------------------------------------------------------------------------


def build_pdf(objects: list[bytes], root: int = 1, garble_xref=False) -> bytes:
    """A classic PDF from numbered objects (1-based) with a correct xref.

    With ``garble_xref`` the xref table's entries are overwritten with junk
    of the same length (the ``startxref`` offset stays right).
    """
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for num, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{num} 0 obj\n".encode() + body + b"\nendobj\n"
    xref_at = len(out)
    table = f"xref\n0 {len(objects) + 1}\n".encode()
    entries = b"0000000000 65535 f \n" + b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    if garble_xref:
        junk = (b"#garbled-xref-entry\n" * (len(entries) // 20 + 1))[:len(entries)]
        entries = junk
    out += table + entries
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R >>\n".encode()
    out += f"startxref\n{xref_at}\n%%EOF\n".encode()
    return out


def simple_page_pdf(garble_xref=False) -> bytes:
    """One A4 page with a line of Helvetica text."""
    content = b"BT /F1 24 Tf 72 760 Td (Xingming: Wang Yue) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return build_pdf(objects, garble_xref=garble_xref)


def png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit greyscale PNG of ``width`` x ``height`` white pixels, streamed so
    that the image never exists in memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\0" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data)
            + chunk(b"IEND", b""))


def make_bad(out: Path) -> dict:
    """Write the bad-file fixtures; returns ``expected.json``."""
    rng = np.random.default_rng(7)
    img, _ = meta_page()
    files = []

    def add(file, expect_error, accept, reason, **extra):
        item = {"file": file, "expect_error": expect_error, "accept": accept, "reason": reason}
        item.update(extra)
        files.append(item)

    (out / "empty.pdf").write_bytes(b"")
    add("empty.pdf", True, ["error"], "zero-byte file")

    (out / "text.png").write_text("这不是图片。This is a text file with a .png name.\n",
                                  encoding="utf-8")
    add("text.png", True, ["error"], "text file named .png")

    noise = rng.integers(0, 256, size=4096, dtype=np.uint8).tobytes()
    if noise.startswith(b"%PDF"):
        noise = b"\0" + noise[1:]
    (out / "notpdf.pdf").write_bytes(noise)
    add("notpdf.pdf", True, ["error"], "4096 random bytes named .pdf")

    jpg = jpeg_bytes(img, quality=85)
    (out / "truncated.jpg").write_bytes(jpg[: len(jpg) // 2])
    add("truncated.jpg", True, ["error", "review"],
        "baseline JPEG cut in half (no EOI); some decoders return the top half padded, "
        "which must not pass as a clean page", full_width=img.width, full_height=img.height)

    buf = io.BytesIO()
    img.save(buf, "PNG")
    png = buf.getvalue()
    (out / "truncated.png").write_bytes(png[: len(png) // 2])
    add("truncated.png", True, ["error", "review"], "PNG cut in half (IDAT incomplete, no IEND)",
        full_width=img.width, full_height=img.height)

    def encrypted(user_password):
        doc = ms.VectorDoc(title="申报材料")
        if user_password:
            doc.pdf.set_encryption(owner_password="owner-2024", user_password=user_password)
        else:
            from fpdf.enums import AccessPermission
            doc.pdf.set_encryption(owner_password="owner-2024",
                                   permissions=AccessPermission.PRINT_LOW_RES)
        page = doc.add_page()
        page.text(236, 400, f"姓名：{NAME}", font="sans", pt=14)
        page.text(236, 500, f"工作单位：{UNIT_ALIAS}", font="sans", pt=14)
        return doc

    encrypted("user-2024").save(out / "encrypted.pdf")
    add("encrypted.pdf", True, ["error"],
        "RC4 encrypted with a user password (user-2024); cannot be opened without it",
        user_password="user-2024")

    encrypted(None).save(out / "restricted.pdf")
    add("restricted.pdf", False, ["ok", "review"],
        "RC4 encrypted with an owner password only (empty user password, printing only): "
        "opens without a password and must be processed like any PDF", pages=1)

    zero = build_pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                      b"<< /Type /Pages /Kids [] /Count 0 >>"])
    (out / "zero_pages.pdf").write_bytes(zero)
    add("zero_pages.pdf", True, ["error"],
        "well-formed PDF whose page tree is empty (/Kids [] /Count 0): no page to account "
        "for, so the file needs an error line; PDFium refuses to load it (its error code "
        "then misleadingly says 'password'), other readers open it with 0 pages")

    (out / "bomb.png").write_bytes(png_bomb(20000, 20000))
    add("bomb.png", True, ["error"],
        "decompression bomb: a 76 KB PNG of 20000 x 20000 pixels (400 megapixels, over the "
        "default 100-megapixel page limit); must be refused from its header, not decoded")

    huge = build_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] >>",
    ])
    (out / "huge_page.pdf").write_bytes(huge)
    add("huge_page.pdf", True, ["error"],
        "one page of 200 x 200 inches (the largest PDF allows): 40000 x 40000 pixels at "
        "200 DPI, over the page limit; the page gets an error line, the batch goes on",
        pages=1)

    (out / "badxref.pdf").write_bytes(simple_page_pdf(garble_xref=True))
    add("badxref.pdf", False, ["ok", "review", "error"],
        "one-page PDF whose xref entries are junk; PDFium rebuilds the table by scanning "
        "objects and opens it (1 page, text 'Xingming: Wang Yue'); a reader that cannot "
        "must report an error, never crash", pages=1)
    return {
        "generator": "scripts/make_fixtures.py",
        "fields": {
            "expect_error": "the canonical outcome is a manifest line with status error",
            "accept": "manifest statuses that are acceptable for the file",
        },
        "files": files,
    }


# --------------------------------------------------------------------------
# Vector PDFs whose text layer lies
# --------------------------------------------------------------------------

LAYER_MARKS = [(NAME, "name"), (UNIT_ALIAS, "unit")]


def paste(page, img: Image.Image, x: int, y: int):
    """Place ``img`` on a vector page with its top-left at pixel (x, y), one image pixel per
    page pixel at 200 DPI."""
    pt = ms.PX_PER_PT
    page.pdf.image(img, x=x / pt, y=y / pt, w=img.width / pt, h=img.height / pt)


def shifted(regions, dx, dy):
    return [r.transformed(lambda p: (p[0] + dx, p[1] + dy)) for r in regions]


def glyph_box(glyphs) -> list[int]:
    return int_box(ms.union_box([g.box for g in glyphs if g.box]))


def garble_to_unicode(pdf: bytes, only: str | None = None) -> bytes:
    """Every character-map entry of the PDF's (uncompressed) ToUnicode CMaps (or only those of
    the characters in ``only``) shifted to other ideographs: the glyphs still show the right
    characters, but their text says others. Entries keep their length, so the file's offsets
    stay right."""
    out = bytearray(pdf)
    start = 0
    while (begin := pdf.find(b"beginbfchar", start)) >= 0:
        end = pdf.find(b"endbfchar", begin)
        section = pdf[begin:end]
        for m in re.finditer(rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]{4})>", section):
            if only is not None and chr(int(m.group(2), 16)) not in only:
                continue
            code = 0x4E00 + (int(m.group(2), 16) + 0x1234) % (0x9FA5 - 0x4E00)
            at = begin + m.start(2)
            out[at:at + 4] = b"%04X" % code
        start = end
    return bytes(out)


UNIT = "巴音郭楞蒙古自治州人民医院"


def partial_cmap_pdf() -> tuple[bytes, list[ms.Region]]:
    """A character map that lies about the applicant's glyphs alone: the longest lines are
    honest, so a check of a sample of lines passes; the name and half the unit say others."""
    doc = ms.VectorDoc(title="推荐意见")
    doc.pdf.set_compression(False)
    page = doc.add_page(marks=[(NAME, "name"), (UNIT, "unit")])
    page.text(200, 300, "单位推荐意见", font="serif", pt=18)
    page.text(200, 450, "该同志工作认真负责，业务能力强，多次获得院级先进个人表彰。",
              font="serif", pt=14)
    page.text(200, 550, "经单位研究，同意推荐其申报副主任医师任职资格，特此证明。",
              font="serif", pt=14)
    page.text(200, 650, f"兹推荐{NAME}同志申报。", font="serif", pt=14)
    page.text(200, 750, f"工作单位：{UNIT}", font="serif", pt=14)
    buf = io.BytesIO()
    doc.pdf.output(buf)
    return garble_to_unicode(buf.getvalue(), only=NAME + UNIT[:3]), page.regions


def make_layer(out: Path) -> dict:
    """Write the lying-text-layer fixtures; returns ``expected.json``."""
    files = []
    form, form_regions = meta_page()
    w, h = ms.A4_PX

    def add(file, reason, regions, clear=()):
        files.append({
            "file": file,
            "reason": reason,
            "regions": regions_json(regions, w, h),
            "clear": [list(b) for b in clear],
        })

    # Invisible text: the form is an image (a scan); an invisible text layer, as OCR tools
    # leave on scans, claims the name and unit where nothing shows.
    doc = ms.VectorDoc(title="扫描件")
    page = doc.add_page(marks=LAYER_MARKS)
    page.text(200, 200, f"申报人：{NAME}", font="sans", pt=14)
    paste(page, form, 200, 400)
    doc.pdf.text_mode = TextMode.INVISIBLE
    ghost_name = page.text(200, 1500, f"姓名：{NAME}", font="sans", pt=14, marks=False)
    ghost_unit = page.text(200, 1700, UNIT_ALIAS, font="sans", pt=14, marks=False)
    doc.pdf.text_mode = TextMode.FILL
    doc.save(out / "invisible_text.pdf")
    add("invisible_text.pdf",
        "the form is an image; invisible text claims the name and unit on blank paper below",
        page.regions + shifted(form_regions, 200, 400),
        clear=[glyph_box(ghost_name[3:]), glyph_box(ghost_unit)])

    # A garbled character map: the glyphs show the name and unit, their text says other
    # ideographs.
    doc = ms.VectorDoc(title="推荐意见")
    doc.pdf.set_compression(False)
    page = doc.add_page(marks=LAYER_MARKS)
    page.text(200, 300, "单位推荐意见", font="serif", pt=18)
    page.text(200, 500, f"兹推荐{NAME}同志申报副主任医师任职资格。", font="serif", pt=14)
    page.text(200, 600, f"工作单位：{UNIT_ALIAS}", font="serif", pt=14)
    page.text(200, 700, "该同志工作认真负责，业务能力强。", font="serif", pt=14)
    buf = io.BytesIO()
    doc.pdf.output(buf)
    (out / "garbled_cmap.pdf").write_bytes(garble_to_unicode(buf.getvalue()))
    add("garbled_cmap.pdf",
        "every ToUnicode entry shifted: the page shows the name and unit, its text does not",
        page.regions)

    pdf, regions = partial_cmap_pdf()
    (out / "partial_cmap.pdf").write_bytes(pdf)
    add("partial_cmap.pdf",
        "only the name's and the unit's first glyphs map to other characters; longer lines "
        "are honest",
        regions)

    # Text under an image: a decoy name in the text layer, covered by an opaque image of the
    # form that shows the applicant's name and unit.
    doc = ms.VectorDoc(title="考核表")
    page = doc.add_page(marks=LAYER_MARKS)
    page.text(200, 200, f"申报人：{NAME}", font="sans", pt=14)
    page.text(300, 700, "姓名：张三", font="sans", pt=14)
    page.text(300, 800, "工作单位：焉耆县人民医院", font="sans", pt=14)
    paste(page, form, 200, 400)
    doc.save(out / "text_under_image.pdf")
    add("text_under_image.pdf",
        "a decoy name and unit in the text layer, hidden under an opaque image of the form",
        page.regions + shifted(form_regions, 200, 400))
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": {"name": NAME, "unit": "巴音郭楞蒙古自治州人民医院", "aliases": UNIT_ALIAS},
        "fields": {
            "regions": "what the page shows that must be masked (pixels at 200 DPI)",
            "clear": "boxes of invisible text that must stay unmasked",
        },
        "files": files,
    }


# --------------------------------------------------------------------------
# Other scripts: Uyghur beside the Chinese, pinyin
# --------------------------------------------------------------------------

UYGHUR_FONT = "/usr/share/fonts/truetype/fonts-ukij-uyghur/UKIJTuT.ttf"

# Applicant A writes her name and unit in Uyghur too; applicant B's certificate spells his name
# in pinyin.
SCRIPTS_ROSTER = [
    {"folder": "A", "name": "阿依古丽·买买提", "unit": "和静县人民医院", "aliases": ""},
    {"folder": "B", "name": "左佳", "unit": "库尔勒市第二人民医院", "aliases": ""},
    {"folder": "C", "name": "巴特尔", "unit": "和静县蒙医医院", "aliases": ""},
]
UYGHUR_NAME = "ئايگۈل مەمەت"
UYGHUR_UNIT = "خېجىڭ ناھىيەلىك خەلق دوختۇرخانىسى"
MONGOLIAN_FONT = "/usr/share/fonts/truetype/noto/NotoSansMongolian-Regular.ttf"
# 巴特尔 and 和静县蒙医医院 in Mongolian script, in the columns a letterhead sets them; 姓名.
MONGOLIAN_NAME = "ᠪᠠᠭᠠᠲᠤᠷ"
MONGOLIAN_UNIT = ["ᠬᠡᠵᠢᠩ ᠰᠢᠶᠠᠨ ᠤ", "ᠮᠣᠩᠭᠣᠯ ᠡᠮᠨᠡᠯᠭᠡ"]
MONGOLIAN_NAME_LABEL = "ᠨᠡᠷᠡ"
UYGHUR_LABELS = {"姓名": "نامى", "性别": "جىنسى", "民族": "مىللىتى", "出生": "تۇغۇلغان ۋاقتى",
                 "住址": "ئادرېسى", "签发机关": "تارقاتقان ئورگان", "有效期限": "ئۈنۈملۈك مۇددىتى"}


def uyghur(page: ms.RasterPage, x_right: float, baseline: float, text: str, pt: float,
           color=(0, 0, 0), x_left: float | None = None) -> list[int]:
    """Draw Uyghur (right to left, shaped by raqm) ending at ``x_right`` or starting at
    ``x_left``; returns its ink box."""
    font = ImageFont.truetype(UYGHUR_FONT, size=page.px(pt), layout_engine=ImageFont.Layout.RAQM)
    kw = dict(font=font, direction="rtl", language="ug", anchor="ls")
    width = page.draw.textlength(text, font=font, direction="rtl", language="ug")
    x = x_left if x_left is not None else x_right - width
    scratch = Image.new("L", page.image.size, 0)
    ImageDraw.Draw(scratch).text((x, baseline), text, fill=255, **kw)
    page.draw.text((x, baseline), text, fill=color, **kw)
    return list(scratch.getbbox())


def mongolian(page: ms.RasterPage, x: int, top: int, text: str, pt: float,
              color=(0, 0, 0)) -> list[int]:
    """Draw a column of Mongolian (shaped left to right by raqm, turned a quarter clockwise,
    as the script is written top to bottom) with its ink's top left corner at ``x``, ``top``;
    returns its ink box."""
    font = ImageFont.truetype(MONGOLIAN_FONT, size=page.px(pt), layout_engine=ImageFont.Layout.RAQM)
    width = round(page.draw.textlength(text, font=font, language="mn")) + 4
    height = round(1.6 * page.px(pt))
    tile = Image.new("L", (width, height), 0)
    ImageDraw.Draw(tile).text((2, 0.75 * height), text, fill=255, font=font, anchor="ls",
                              language="mn")
    tile = tile.rotate(-90, expand=True)
    tile = tile.crop(tile.getbbox())
    page.image.paste(Image.new("RGB", tile.size, color), (x, top), tile)
    return [x, top, x + tile.width, top + tile.height]


class FolderFiles:
    """Raster pages saved into a fixture group, each with its applicant's folder, as
    ``expected.json`` lists them."""

    def __init__(self, out: Path):
        self.out = out
        self.entries: list[dict] = []

    def add(self, file, folder, page, reason, regions, clear=()):
        page.image.save(self.out / file)
        self.entries.append({"file": file, "folder": folder, "reason": reason,
                             "regions": regions, "clear": [list(b) for b in clear]})


def scripts_id_card(back: bool) -> tuple[ms.RasterPage, list[dict], list[list[int]]]:
    """A Xinjiang ID card (front or back) at 300 DPI: every label in Uyghur above the Chinese,
    the holder's name in Uyghur above the Chinese name. Returns the page, the regions to mask
    and boxes that must stay visible (the labels)."""
    name = SCRIPTS_ROSTER[0]["name"]
    page = ms.RasterPage(1100, 700, marks=[(name, "name")], dpi=300)
    page.rounded_rect(20, 20, 1080, 680, 30, 2, (150, 150, 150), fill=(236, 240, 244))
    labels, extra = [], []
    fields = ([("签发机关", "和静县公安局"), ("有效期限", "2020.05.11-2040.05.11")] if back else
              [("姓名", name), ("性别", "女"), ("民族", "维吾尔"), ("出生", "1990 年 3 月 8 日"),
               ("住址", "新疆和静县和静镇团结路18号")])
    for i, (label, value) in enumerate(fields):
        baseline = (470 if back else 150) + i * 100
        labels.append(uyghur(page, 0, baseline - 42, UYGHUR_LABELS[label], 6.5,
                             color=(60, 90, 150), x_left=90))
        page.text(90, baseline, label, font="sans", pt=9, color=(60, 90, 150))
        page.text(250 if back else 230, baseline, value, font="sans", pt=11)
        if label == "姓名":
            box = uyghur(page, 0, baseline - 48, UYGHUR_NAME, 9, x_left=232)
            extra.append({"kind": "name", "bbox": box, "text": UYGHUR_NAME})
    if back:
        page.text(550, 200, "中华人民共和国", font="sans", pt=16, align="center")
        page.text(550, 300, "居民身份证", font="sans", pt=20, align="center")
    return page, regions_json(page.regions, page.width, page.height) + extra, labels


def make_scripts(out: Path) -> dict:
    """Write the other-script fixtures; returns ``expected.json``."""
    files = FolderFiles(out)
    add = files.add

    page, regions, labels = scripts_id_card(back=False)
    add("id_card_front.png", "A", page,
        "the holder's name in Uyghur above the Chinese name; Uyghur labels above the Chinese",
        regions, clear=labels)
    page, regions, labels = scripts_id_card(back=True)
    add("id_card_back.png", "A", page, "bilingual labels only: nothing to mask", regions,
        clear=labels)

    unit = SCRIPTS_ROSTER[0]["unit"]
    page = ms.RasterPage(1240, 900, marks=[(unit, "unit")], dpi=150)
    page.text(620, 110, unit, font="serif", pt=20, color=(200, 30, 30), align="center")
    box = uyghur(page, 0, 170, UYGHUR_UNIT, 13, color=(200, 30, 30),
                 x_left=620 - 0.5 * page.draw.textlength(
                     UYGHUR_UNIT, direction="rtl", language="ug",
                     font=ImageFont.truetype(UYGHUR_FONT, size=page.px(13),
                                             layout_engine=ImageFont.Layout.RAQM)))
    page.line(100, 200, 1140, 200, 4, (200, 30, 30))
    page.text(620, 300, "关于做好2024年度职称申报工作的通知", font="sans", pt=14, align="center")
    body = page.text(120, 400, "各科室：现将有关事项通知如下，请认真组织申报。", font="sans", pt=11)
    add("letterhead.png", "A", page, "the unit in Uyghur under the letterhead's Chinese",
        regions_json(page.regions, page.width, page.height)
        + [{"kind": "unit", "bbox": box, "text": UYGHUR_UNIT}],
        clear=[glyph_box(body)])

    name = SCRIPTS_ROSTER[1]["name"]
    page = ms.RasterPage(1240, 900, marks=[(name, "name"), ("ZUO JIA", "name")], dpi=150)
    page.text(620, 130, "继续教育合格证书", font="serif", pt=22, align="center")
    page.text(620, 200, "CERTIFICATE OF CONTINUING EDUCATION", font="sans", pt=11, align="center")
    page.text(150, 330, f"{name} 同志：", font="sans", pt=14)
    page.text(150, 400, "Name: ZUO JIA", font="sans", pt=12)
    date = page.text(150, 480, "已完成2023年度继续医学教育，学分合格。", font="sans", pt=12)
    add("certificate_pinyin.png", "B", page, "the name's pinyin on a bilingual certificate",
        regions_json(page.regions, page.width, page.height), clear=[glyph_box(date)])

    unit = SCRIPTS_ROSTER[2]["unit"]
    page = ms.RasterPage(1240, 900, marks=[(unit, "unit")], dpi=150)
    page.text(700, 110, unit, font="serif", pt=24, color=(200, 30, 30), align="center")
    columns = [mongolian(page, 330, 50, MONGOLIAN_UNIT[0], 14, color=(200, 30, 30))]
    columns.append(mongolian(page, columns[0][2] + 12, 50, MONGOLIAN_UNIT[1], 14,
                             color=(200, 30, 30)))
    page.line(100, 240, 1140, 240, 4, (200, 30, 30))
    page.text(620, 320, "关于做好2024年度职称申报工作的通知", font="sans", pt=14, align="center")
    body = page.text(120, 420, "各科室：现将有关事项通知如下，请认真组织申报。", font="sans", pt=11)
    add("letterhead_mongolian.png", "C", page,
        "the unit in vertical Mongolian columns beside the letterhead's Chinese",
        regions_json(page.regions, page.width, page.height)
        + [{"kind": "unit", "bbox": box, "text": text} for box, text in zip(columns, MONGOLIAN_UNIT)],
        clear=[glyph_box(body)])

    name = SCRIPTS_ROSTER[2]["name"]
    page = ms.RasterPage(1240, 900, marks=[(name, "name"), (unit, "unit")], dpi=150)
    page.text(620, 100, "2024年度专业技术资格申报表", font="sans", pt=18, align="center")
    page.rect(100, 180, 1140, 420, 2)
    for x in (300, 640, 840):
        page.line(x, 180, x, 420, 2)
    page.line(100, 300, 1140, 300, 2)
    cells = [(150, 255, "姓名", 12), (330, 255, name, 14), (680, 255, "性别", 12),
             (880, 255, "男", 12), (130, 375, "工作单位", 12), (330, 375, unit, 12),
             (680, 375, "专业", 12), (880, 375, "蒙医内科", 12)]
    for x, baseline, text, pt in cells:
        page.text(x, baseline, text, font="sans", pt=pt)
    label = mongolian(page, 250, 195, MONGOLIAN_NAME_LABEL, 10)
    spelled = mongolian(page, 470, 192, MONGOLIAN_NAME, 13)
    pledge = page.text(120, 520, "本人承诺所填内容真实。", font="sans", pt=11)
    add("form_mongolian.png", "C", page,
        "the name's vertical Mongolian spelling in its cell; the label's Mongolian stays",
        regions_json(page.regions, page.width, page.height)
        + [{"kind": "name", "bbox": spelled, "text": MONGOLIAN_NAME}],
        clear=[label, glyph_box(pledge)])
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": SCRIPTS_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels)",
            "clear": "boxes that must stay visible (labels, body text)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Handwriting in printed blanks
# --------------------------------------------------------------------------

HANDWRITING_FONT = "/usr/share/fonts/truetype/arphic/ukai.ttc"

HANDWRITING_ROSTER = [
    {"folder": "A", "name": "马晓燕", "unit": "和静县人民医院", "aliases": ""},
    {"folder": "B", "name": "李建国", "unit": "巴州人民医院", "aliases": ""},
]

BALLPOINT = (25, 45, 150)


def handwriting(page: ms.RasterPage, x: float, baseline: float, text: str, pt: float,
                seed: int) -> list[int]:
    """Write ``text`` as a hand would, starting at ``x`` on ``baseline``: each character of
    AR PL UKai turned, sheared, scaled and shifted at random, crowded, sometimes thickened, in
    ballpoint blue. Returns the ink box."""
    if not Path(HANDWRITING_FONT).is_file():
        sys.exit("error: missing the handwriting font; install it with: "
                 "apt-get install -y fonts-arphic-ukai")
    rng = random.Random(seed)
    size = round(page.px(pt))
    font = ImageFont.truetype(HANDWRITING_FONT, size=size)
    ink = Image.new("L", page.image.size, 0)
    pen = x
    for ch in text:
        s = size  # the glyph is drawn around the centre of a 2s x 2s tile
        tile = Image.new("L", (2 * s, 2 * s), 0)
        ImageDraw.Draw(tile).text((s / 2, 1.4 * s), ch, font=font, fill=255, anchor="ls")
        k, shear = rng.uniform(0.85, 1.2), rng.uniform(-0.35, 0.1)
        tile = tile.rotate(rng.uniform(-12, 8), resample=Image.Resampling.BICUBIC)
        tile = tile.transform(tile.size, Image.Transform.AFFINE,
                              (1 / k, shear / k, s - s / k - shear * s / k, 0, 1 / k, s - s / k),
                              resample=Image.Resampling.BICUBIC)
        tile = warped(tile, rng, 0.2 * s)
        if rng.random() < 0.5:
            tile = tile.filter(ImageFilter.MaxFilter(3))
        at = (round(pen - s / 2), round(baseline - 1.4 * s + rng.uniform(-0.12, 0.12) * s))
        region = ink.crop((at[0], at[1], at[0] + 2 * s, at[1] + 2 * s))
        ink.paste(ImageChops.lighter(region, tile), at)
        pen += s * rng.uniform(0.66, 0.84)
    ink = ink.filter(ImageFilter.GaussianBlur(0.6))
    page.image.paste(BALLPOINT, mask=ink)
    return list(ink.point(lambda v: 255 if v > 60 else 0).getbbox())


def scribbled_signature(page: ms.RasterPage, x: float, baseline: float, width: float,
                        height: float, seed: int) -> list[int]:
    """Sign as many people do, in one running stroke no recogniser reads: a smooth curve rising
    and falling over ``width`` from ``x``, up to ``height`` above ``baseline``, in ballpoint
    blue. Returns the ink box."""
    rng = random.Random(seed)
    knots = [(x + width * k / 9, baseline - height * rng.uniform(0.1, 1.0)) for k in range(10)]
    points = []
    for (x0, y0), (x1, y1) in zip(knots, knots[1:]):
        for t in range(12):
            u = t / 12
            ease = (1 - math.cos(math.pi * u)) / 2
            points.append((x0 + (x1 - x0) * u, y0 + (y1 - y0) * ease))
    points.append(knots[-1])
    ink = Image.new("L", page.image.size, 0)
    ImageDraw.Draw(ink).line(points, fill=255, width=4, joint="curve")
    ink = ink.filter(ImageFilter.GaussianBlur(0.6))
    page.image.paste(BALLPOINT, mask=ink)
    return list(ink.point(lambda v: 255 if v > 60 else 0).getbbox())


def warped(tile: Image.Image, rng: random.Random, amplitude: float, cells: int = 4) -> Image.Image:
    """``tile`` bent like a hand's strokes: a grid of cells each taken from a randomly moved
    quadrilateral of the original (corners shared between cells, so the strokes stay whole)."""
    w, h = tile.size
    corners = [[(i * w / cells + rng.uniform(-amplitude, amplitude),
                 j * h / cells + rng.uniform(-amplitude, amplitude))
                for j in range(cells + 1)] for i in range(cells + 1)]
    mesh = []
    for i in range(cells):
        for j in range(cells):
            box = (round(i * w / cells), round(j * h / cells),
                   round((i + 1) * w / cells), round((j + 1) * h / cells))
            quad = (*corners[i][j], *corners[i][j + 1], *corners[i + 1][j + 1], *corners[i + 1][j])
            mesh.append((box, quad))
    return tile.transform(tile.size, Image.Transform.MESH, mesh,
                          resample=Image.Resampling.BICUBIC)


def handwriting_form(filled: bool) -> tuple[ms.RasterPage, list[dict], list[list[int]]]:
    """An application form at 150 DPI: 姓名 and 工作单位 cells and a 承诺人（签字） line, filled in
    by hand or left blank. Returns the page, the regions to mask and boxes that stay visible."""
    applicant = HANDWRITING_ROSTER[0] if filled else HANDWRITING_ROSTER[1]
    page = ms.RasterPage(1240, 1000, marks=[(applicant["name"], "name")], dpi=150)
    page.text(620, 110, "专业技术职务任职资格申报表", font="serif", pt=20, align="center")
    rows, clear, regions = [200, 290, 380, 470], [], []
    for y in rows:
        page.line(100, y, 1140, y, 2)
    for x, y0, y1 in [(100, 200, 470), (1140, 200, 470), (300, 200, 470), (640, 200, 290),
                      (800, 200, 290)]:
        page.line(x, y0, x, y1, 2)
    cells = [("姓名", 120, 260), ("性别", 660, 260), ("工作单位", 120, 350),
             ("申报职称", 120, 440)]
    for label, x, baseline in cells:
        clear.append(glyph_box(page.text(x, baseline, label, font="sans", pt=13)))
    clear.append(glyph_box(page.text(820, 260, "女" if filled else "男", font="sans", pt=13)))
    clear.append(glyph_box(page.text(320, 440, "主管护师", font="sans", pt=13)))
    page.text(120, 560, "本人承诺以上信息真实有效。", font="sans", pt=12)
    clear.append(glyph_box(page.text(120, 660, "承诺人（签字）：", font="sans", pt=12)))
    clear.append(glyph_box(page.text(760, 760, "2024年5月20日", font="sans", pt=12)))
    if filled:
        for text, x, baseline, pt, seed, kind in [
                (applicant["name"], 330, 262, 17, 1, "name"),
                (applicant["unit"], 330, 352, 16, 2, "unit"),
                (applicant["name"], 430, 668, 18, 3, "name")]:
            box = handwriting(page, x, baseline, text, pt, seed)
            regions.append({"kind": kind, "bbox": box, "text": text})
    return page, regions, clear


def make_handwriting(out: Path) -> dict:
    """Write the handwriting fixtures; returns ``expected.json``."""
    files = FolderFiles(out)
    add = files.add

    name = HANDWRITING_ROSTER[0]["name"]
    page = ms.RasterPage(1240, 900, dpi=150)
    page.text(620, 140, "荣 誉 证 书", font="serif", pt=28, align="center", color=(190, 30, 30))
    box = handwriting(page, 160, 318, name, 22, seed=4)
    page.line(140, 326, box[2] + 12, 326, 2)
    salutation = page.text(box[2] + 16, 320, "同学：", font="serif", pt=16)
    body = [page.text(230, 400, "在2023—2024学年度临床实习中表现突出，", font="serif", pt=15),
            page.text(160, 470, "被评为“优秀实习生”。特发此证，以资鼓励。", font="serif", pt=15)]
    issuer = page.text(1080, 640, "巴州卫生学校", font="serif", pt=15, align="right")
    date = page.text(1080, 700, "二〇二四年六月", font="serif", pt=15, align="right")
    add("award_certificate.png", "A", page,
        "the name written by hand in the blank before 同学：",
        [{"kind": "name", "bbox": box, "text": name}],
        clear=[glyph_box(g) for g in [salutation, *body, issuer, date]])

    page = ms.RasterPage(1240, 900, dpi=150)
    page.text(620, 140, "证 明", font="serif", pt=28, align="center")
    opening = page.text(160, 320, "兹证明", font="serif", pt=16)
    box = scribbled_signature(page, glyph_box(opening)[2] + 24, 322, 150, 46, seed=7)
    rest = page.text(box[2] + 28, 320, "同志系我院在编职工，现从事临床护理工作。", font="serif", pt=16)
    issuer = page.text(1080, 640, "和静县人民医院", font="serif", pt=15, align="right")
    add("attestation.png", "A", page,
        "the name signed in one running stroke in the blank between 兹证明 and 同志; the "
        "issuing unit is the applicant's",
        [{"kind": "name", "bbox": box, "text": name},
         {"kind": "unit", "bbox": glyph_box(issuer), "text": "和静县人民医院"}],
        clear=[glyph_box(g) for g in [opening, rest]])

    page, regions, clear = handwriting_form(filled=True)
    add("form_filled.png", "A", page,
        "the name and unit written by hand in the 姓名 and 工作单位 cells, the name signed after "
        "承诺人（签字）", regions, clear=clear)
    page, regions, clear = handwriting_form(filled=False)
    add("form_blank.png", "B", page, "the same form left blank: nothing to mask", regions,
        clear=clear)
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": HANDWRITING_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels)",
            "clear": "boxes that must stay visible (labels, printed values, body text)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Seals as real ones are stamped
# --------------------------------------------------------------------------

SEALS_ROSTER = [
    {"folder": "A", "name": "马晓燕", "unit": "和静县人民医院", "aliases": ""},
]


def worn_seal(page: ms.RasterPage, cx: float, cy: float, radius: float, ring_text: str,
              seed: int, serial: str = "", strength: float = 1.0, gaps: int = 0,
              applicants: bool = True, colour=ms.SEAL_RED):
    """A seal stamped as real ones are: in ``colour``, the ink uneven and at ``strength`` of
    full, the ring broken in ``gaps`` places, a serial number along the lower arc; ink
    multiplies with the page. Records the seal's region (the disc) when it is the
    ``applicants`` unit's."""
    rng = random.Random(seed)
    layout = ms.seal_layout(cx, cy, radius, ring_text)
    ink = Image.new("L", page.image.size, 0)
    draw = ImageDraw.Draw(ink)
    r, w = layout.ring_radius, layout.ring_width
    ring_box = [cx - r - w / 2, cy - r - w / 2, cx + r + w / 2, cy + r + w / 2]
    starts = sorted(rng.uniform(0, 360) for _ in range(gaps))
    if not starts:
        draw.ellipse(ring_box, outline=255, width=max(1, round(w)))
    for k, start in enumerate(starts):
        end = starts[(k + 1) % gaps] + (360 if k + 1 == gaps else 0)
        draw.arc(ring_box, start + rng.uniform(12, 25), end, fill=255, width=max(1, round(w)))
    draw.polygon(layout.star, fill=255)
    glyphs = list(layout.glyphs)
    if serial:
        span, r_serial = math.radians(70), radius * 0.80
        for i, ch in enumerate(serial):
            a = -span / 2 + span * (i + 0.5) / len(serial)  # 0 = bottom, to the right
            glyphs.append((ch, cx + r_serial * math.sin(a), cy + r_serial * math.cos(a),
                           -math.degrees(a), 0.45))
    font_px = layout.glyph_px
    for ch, gx, gy, degrees, *scale in glyphs:
        px = font_px * (scale[0] if scale else 1.0)
        size = round(px * 2)
        glyph = Image.new("L", (size, size), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=ms.pil_font("serif", px),
                                   fill=255, anchor="ms")
        glyph = glyph.rotate(-degrees, resample=Image.BICUBIC, center=(size / 2, size / 2))
        ink.paste(255, (round(gx - size / 2), round(gy - size / 2)), glyph)
    # Uneven pressure: a coarse random field scales the ink between 55 % and 100 % of strength.
    field = Image.fromarray(np.array([[rng.randint(140, 255) for _ in range(6)]
                                      for _ in range(6)], dtype=np.uint8))
    field = field.resize(page.image.size, Image.BICUBIC)
    ink = ImageChops.multiply(ink, field).point(lambda v: round(v * strength))
    stamp = Image.new("RGB", page.image.size, colour)
    white = Image.new("RGB", page.image.size, (255, 255, 255))
    page.image = ImageChops.multiply(page.image, Image.composite(stamp, white, ink))
    page.draw = ImageDraw.Draw(page.image)
    if applicants:
        page.regions.append(ms.seal_region(cx, cy, radius, ring_text, "unit"))


def photographed(image: Image.Image, cast=(0.84, 0.89, 0.98)) -> Image.Image:
    """The page as a phone photographs it: a blue cast, darker towards the corners, soft."""
    a = np.asarray(image).astype(np.float32)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    falloff = 1.0 - 0.12 * (((xx - w / 2) / (w / 2)) ** 2 + ((yy - h / 2) / (h / 2)) ** 2) / 2
    a = a * np.array(cast, dtype=np.float32) * falloff[..., None]
    out = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))
    return out.filter(ImageFilter.GaussianBlur(0.6))


def applicant_marks(roster: list[dict]) -> tuple[str, str, list[tuple[str, str]]]:
    """The first roster row's name and unit, and the marks that record them as truth."""
    name, unit = roster[0]["name"], roster[0]["unit"]
    return name, unit, [(name, "name"), (unit, "unit")]


def add_photographed(files, file: str, page: ms.RasterPage, reason: str, clear: list):
    """Adds ``page`` to applicant A's folder as a phone photo of it (its truth taken first)."""
    regions = regions_json(page.regions, page.width, page.height)
    page.image = photographed(page.image)
    files.add(file, "A", page, reason, regions, clear=clear)


def hospital_receipt(marks, name: str, unit: str, height: int, form) -> tuple[ms.RasterPage, list]:
    """A hospital's outpatient receipt ``height`` pixels high, its title and ruled table printed
    in ``form`` colour and its entries in black; returns the page and the boxes that must stay
    visible (title, entries, amounts, cashier)."""
    page = ms.RasterPage(1240, height, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 130, "新疆维吾尔自治区医疗门诊收费票据", font="serif",
                                 pt=20, align="center", color=form))]
    page.text(140, 250, f"姓名：{name}", font="sans", pt=13)
    clear.append(glyph_box(page.text(560, 250, "性别：女", font="sans", pt=13)))
    clear.append(glyph_box(page.text(840, 250, "门诊号：0012345", font="sans", pt=13)))
    page.rect(120, 290, 1120, 560, 2, color=form)
    for i, (item, amount) in enumerate([("西药费", "35.60"), ("化验费", "120.00"),
                                        ("诊查费", "10.00"), ("合计（大写）壹佰陆拾伍元陆角",
                                                               "165.60")]):
        page.line(120, 357 + 67 * i, 1120, 357 + 67 * i, 1, color=form)
        clear.append(glyph_box(page.text(150, 340 + 67 * i, item, font="sans", pt=13)))
        clear.append(glyph_box(page.text(1090, 340 + 67 * i, amount, font="sans", pt=13,
                                         align="right")))
    page.text(140, 700, f"收款单位（章）：{unit}", font="sans", pt=13)
    clear.append(glyph_box(page.text(840, 700, "收款人：王芳", font="sans", pt=13)))
    return page, clear


def make_seals(out: Path) -> dict:
    """Write the seal fixtures; returns ``expected.json``."""
    files = FolderFiles(out)
    name, unit, marks = applicant_marks(SEALS_ROSTER)

    page = ms.RasterPage(1240, 1754, marks=marks, dpi=150)
    page.text(620, 240, f"{unit}文件", font="serif", pt=30, align="center", color=ms.SEAL_RED)
    clear = [glyph_box(page.text(620, 330, "和医发〔2024〕12号", font="serif", pt=14,
                                 align="center"))]
    page.line(140, 370, 1100, 370, 4, ms.SEAL_RED)
    clear.append(glyph_box(page.text(620, 470, "关于表彰2024年度优秀护理工作者的通知",
                                     font="serif", pt=17, align="center")))
    for i, body in enumerate(["各科室：", "    经科室推荐、院务会研究，决定授予内科护理组等",
                              "十二个集体和个人“优秀护理工作者”称号。希望受表彰",
                              "的集体和个人珍惜荣誉，再接再厉。"]):
        clear.append(glyph_box(page.text(170, 570 + 62 * i, body, font="serif", pt=15)))
    page.text(830, 1180, f"中共{unit}委员会", font="serif", pt=15, align="center")
    page.text(830, 1245, unit, font="serif", pt=15, align="center")
    clear.append(glyph_box(page.text(830, 1400, "2024年5月20日", font="serif", pt=15,
                                     align="center")))
    worn_seal(page, 735, 1215, 120, f"中共{unit}委员会", seed=1)
    worn_seal(page, 930, 1205, 120, unit, seed=2, serial="6528270003261")
    files.add("notice_two_seals.png", "A", page,
              "two seals of the unit stamped over each other and over its two signer lines; the "
              "red header names the unit", regions_json(page.regions, page.width, page.height),
              clear=clear)

    page = ms.RasterPage(1240, 1000, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 160, "在 职 证 明", font="serif", pt=24, align="center"))]
    page.text(170, 300, f"    兹证明{name}同志系我院在编职工，现任内科", font="serif", pt=15)
    clear.append(glyph_box(page.text(170, 365, "主管护师。", font="serif", pt=15)))
    clear.append(glyph_box(page.text(170, 430, "    特此证明。", font="serif", pt=15)))
    page.text(1040, 640, unit, font="serif", pt=15, align="right")
    clear.append(glyph_box(page.text(1040, 860, "2024年5月20日", font="serif", pt=15,
                                     align="right")))
    worn_seal(page, 930, 630, 118, unit, seed=3, serial="6528270003261", strength=0.55, gaps=3)
    add_photographed(files, "certificate_photo_worn_seal.jpg", page,
                     "a phone photo (blue cast) of a certificate with a faint seal whose ring is "
                     "broken, stamped over the unit's signer line", clear)

    page = ms.RasterPage(1240, 1100, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 160, "关于推荐晋升主管护师资格人员的公示", font="serif",
                                 pt=18, align="center"))]
    clear.append(glyph_box(page.text(170, 300, "    经个人申报、单位推荐，现将推荐人员公示如下：",
                                     font="serif", pt=15)))
    unit_line = page.text(170, 370, f"    {unit}：{name}，申报主管护师。", font="serif", pt=15)
    clear.append(glyph_box(page.text(170, 440, "    公示期为2024年6月1日至6月7日。", font="serif",
                                     pt=15)))
    authority = "巴音郭楞蒙古自治州卫生健康委员会"
    clear.append(glyph_box(page.text(1040, 640, authority, font="serif", pt=15,
                                     align="right")))
    clear.append(glyph_box(page.text(1040, 710, "2024年6月1日", font="serif", pt=15,
                                     align="right")))
    unit_box = ms.union_box([g.box for g in unit_line[4:4 + len(unit)] if g.box])
    worn_seal(page, (unit_box[0] + unit_box[2]) / 2, 360, 105, authority, seed=5,
              applicants=False)
    files.add("notice_authority_seal_over_unit.png", "A", page,
              "a health commission's seal stamped over the line naming the applicant's unit: the "
              "unit's name read under the red is masked, the commission's seal and signer line "
              "stay visible", regions_json(page.regions, page.width, page.height), clear=clear)
    page, clear = hospital_receipt(marks, name, unit, 900, (0, 0, 0))
    # Another body's seal, the region's finance department's, stamped over the title.
    finance = (620, 105, 78)
    worn_seal(page, *finance, "新疆维吾尔自治区财政厅票据监制章", seed=6, applicants=False)
    clear.append([finance[0] - 40, finance[1] - 40, finance[0] + 40, finance[1] + 40])
    worn_seal(page, 460, 690, 100, f"{unit}门诊收款章", seed=7, strength=0.8,
              colour=(40, 70, 175))
    add_photographed(files, "receipt_blue_cashier_seal.jpg", page,
                     "a phone photo of a hospital receipt: the unit's cashier seal in blue stamped "
                     "over its 收款单位（章） line is masked with the line; the region finance "
                     "department's red seal over the title stays visible", clear)
    page = ms.RasterPage(1240, 900, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 170, "荣 誉 证 书", font="serif", pt=28, align="center"))]
    page.text(170, 320, f"{name}同志：", font="serif", pt=16)
    for i, body in enumerate(["    在2024年全州护理技能竞赛中荣获二等奖，",
                              "特发此证，以资鼓励。"]):
        clear.append(glyph_box(page.text(170, 400 + 66 * i, body, font="serif", pt=16)))
    # Two organisers sign, each with its seal stamped over its name: neither is the unit's.
    for x, organiser, seed in [(420, "巴音郭楞蒙古自治州护理学会", 8),
                               (900, "新疆维吾尔自治区医学会", 9)]:
        clear.append(glyph_box(page.text(x, 690, organiser, font="serif", pt=14,
                                         align="center")))
        worn_seal(page, x, 680, 110, organiser, seed=seed, applicants=False)
        clear.append([x - 30, 640, x + 30, 720])
    clear.append(glyph_box(page.text(900, 800, "2024年10月16日", font="serif", pt=14,
                                     align="center")))
    files.add("certificate_organisers_seals.png", "A", page,
              "an award certificate signed by two organisers, each seal stamped over its "
              "organiser's name: the seals and signer lines stay visible, the name is masked",
              regions_json(page.regions, page.width, page.height), clear=clear)
    page, clear = hospital_receipt(marks, name, unit, 820, (190, 50, 50))
    worn_seal(page, 430, 690, 120, f"{unit}门诊收费专用章", seed=10, strength=0.85)
    add_photographed(files, "receipt_red_form_red_seal.jpg", page,
                     "a phone photo of a small receipt whose title and table are printed in red: "
                     "the unit's red cashier seal, 0.29 of the page high, joins the table's ink "
                     "and is found by its ring, and masked with the 收款单位 line", clear)
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": SEALS_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels): seals as their discs' boxes",
            "clear": "boxes that must stay visible (document number, title, body, date)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Masks shaped as what they cover
# --------------------------------------------------------------------------

SHAPES_ROSTER = [
    {"folder": "A", "name": "马晓燕", "unit": "和静县人民医院", "aliases": ""},
]


def rect_json(box) -> list[list[float]]:
    return [[round(x, 1), round(y, 1)] for x, y in ms.rect_poly(box)]


def make_shapes(out: Path) -> dict:
    """Write the shaped-mask fixtures; returns ``expected.json``."""
    files = FolderFiles(out)
    name, unit, marks = applicant_marks(SHAPES_ROSTER)

    # A certificate whose issuing date reaches into the corner of the unit's seal's square.
    page = ms.RasterPage(1240, 900, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 170, "荣 誉 证 书", font="serif", pt=30,
                                 align="center"))]
    page.text(170, 300, f"{name}同志：", font="serif", pt=16)
    for i, body in enumerate(["    在2024年度护理质量提升工作中表现突出，被评为",
                              "“优秀护理工作者”。特发此证，以资鼓励。"]):
        clear.append(glyph_box(page.text(170, 380 + 70 * i, body, font="serif", pt=16)))
    cx, cy, radius = 930, 660, 110
    page.text(cx, cy + 12, unit, font="serif", pt=15, align="center")
    # The date ends 0.78 radii left of the seal's centre, 0.86 below it: inside the seal's
    # square, outside its disc.
    clear.append(glyph_box(page.text(cx - 0.78 * radius, cy + 0.86 * radius + 28,
                                     "2024年12月20日", font="serif", pt=15, align="right")))
    worn_seal(page, cx, cy, radius, unit, seed=4)
    files.add("certificate_date_beside_seal.png", "A", page,
              "the unit's seal stamped over its signer line, the issuing date reaching into the "
              "corner of the seal's square: masked as a disc, the date stays visible",
              regions_json(page.regions, page.width, page.height),
              clear=[rect_json(b) for b in clear])

    # A hand-held photo of a work card turned by 20 degrees: a turned photo, turned lines.
    card = ms.RasterPage(900, 560, marks=marks, dpi=300)
    card.rounded_rect(10, 10, 890, 550, 28, 3, (120, 120, 120), fill=(250, 248, 240))
    clear = [glyph_box(card.text(450, 95, "工 作 证", font="sans", pt=14, align="center"))]
    face = ms.load_face()
    card.photo(face, 60, 150, 170)
    (left, right) = card.regions[-1].extra["eyes"]
    iod = math.dist(left, right)
    mid = ((left[0] + right[0]) / 2, (left[1] + right[1]) / 2)
    # The forehead above the eyes: under a page-aligned box round a turned eye bar.
    clear.append((mid[0] - 0.15 * iod, mid[1] - 0.72 * iod, mid[0] + 0.15 * iod,
                  mid[1] - 0.58 * iod))
    card.text(280, 220, f"姓名：{name}", font="sans", pt=10)
    card.text(280, 300, f"单位：{unit}", font="sans", pt=10)
    clear.append(glyph_box(card.text(280, 380, "职务：主管护师", font="sans", pt=10)))
    clear.append(glyph_box(card.text(280, 460, "编号：HJ2024-0315", font="sans", pt=10)))
    angle, desk = 20.0, (96, 84, 70)
    turned = card.image.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=desk)
    photo = ms.RasterPage(1400, 1100, dpi=300, paper=desk)
    ox, oy = 180, 160
    photo.image.paste(turned, (ox, oy))
    w, h = card.image.size
    tw, th = turned.size

    def place(p):
        q = ms.rotate_point(p, angle, w / 2, h / 2)
        return (q[0] - w / 2 + tw / 2 + ox, q[1] - h / 2 + th / 2 + oy)

    regions = [r.transformed(place).to_json(photo.width, photo.height) for r in card.regions]
    clear = [[[round(x, 1), round(y, 1)] for x, y in map(place, ms.rect_poly(b))]
             for b in clear]
    photo.image = photographed(photo.image, cast=(0.95, 0.93, 0.88))
    photo.image.save(out / "card_photo_turned.jpg", quality=92)
    files.entries.append({"file": "card_photo_turned.jpg", "folder": "A",
                          "reason": "a work card photographed turned by 20 degrees: the eye bar "
                                    "lies along the eye line and the name and unit masks along "
                                    "their lines, so the forehead and the next lines stay "
                                    "visible", "regions": regions, "clear": clear})
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": SHAPES_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels): bbox and the exact poly (a turned "
                       "text box, the eye bar along the eye line, the seal's disc)",
            "clear": "polygons that must stay visible (title, body, the date beside the seal, "
                     "the forehead, the lines under the unit)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Faces: half-turned and small ones masked, printed patterns left alone
# --------------------------------------------------------------------------

CAMERAMAN_MEMBER = "skimage/data/camera.png"
"""The cameraman of scikit-image's data (CC0 by the photographer, Lav Varshney), in the same
wheel as the astronaut: a face turned half away, one eye behind the camera's edge."""
CAMERAMAN_EYES = ((235.5, 149.5), (249.0, 149.0))
"""Eye centres in the 512x512 image, read off a 10x enlargement (the far eye at the camera's
edge)."""
CAMERAMAN_CROP = (150, 40, 350, 300)
PATTERN_MEMBERS = ("skimage/data/chessboard_RGB.png", "skimage/data/horse.png",
                   "skimage/data/coins.png")
"""Printed patterns without a face: a chequered code, a horse's silhouette (CC0), a photo of
coins (no known copyright restrictions)."""


def wheel_image(member: str) -> Image.Image:
    """An image of scikit-image's data, from the wheel the astronaut comes from."""
    return Image.open(io.BytesIO(ms.skimage_data(member))).convert("RGB")


def make_faces(out: Path) -> dict:
    """Write the face fixtures; returns ``expected.json``."""
    files = FolderFiles(out)
    name, unit, marks = applicant_marks(SHAPES_ROSTER)

    # A registration form whose photo is a face turned half away (greyscale).
    page = ms.RasterPage(1240, 900, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 120, "继续教育学员登记表", font="serif", pt=22,
                                 align="center"))]
    page.text(170, 260, f"姓名：{name}", font="serif", pt=15)
    page.text(170, 340, f"工作单位：{unit}", font="serif", pt=15)
    clear.append(glyph_box(page.text(170, 420, "培训项目：急危重症护理", font="serif", pt=15)))
    x0, y0, x1, y1 = CAMERAMAN_CROP
    crop = wheel_image(CAMERAMAN_MEMBER).crop(CAMERAMAN_CROP)
    eyes = [(ex - x0, ey - y0) for ex, ey in CAMERAMAN_EYES]
    box = page.photo(ms.FacePhoto(crop, eyes), 860, 180, 300)
    page.rect(box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4, 2, (90, 90, 90))
    files.add("form_half_turned_face.png", "A", page,
              "a registration form whose photo shows a face turned half away: its eyes are masked",
              regions_json(page.regions, page.width, page.height), clear=clear)

    # A certificate with a one-inch photo whose face is about 30 pixels wide.
    page = ms.RasterPage(1240, 900, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 130, "继续医学教育合格证书", font="serif", pt=22,
                                 align="center"))]
    box = page.photo(ms.load_face(), 170, 200, 70)
    page.rect(box[0] - 4, box[1] - 4, box[2] + 4, box[3] + 4, 2, (120, 120, 120))
    page.text(330, 260, f"{name}同志：", font="serif", pt=15)
    clear.append(glyph_box(page.text(330, 340, "    经考核合格，授予Ⅰ类学分8分。", font="serif",
                                     pt=15)))
    files.add("certificate_small_photo.png", "A", page,
              "a certificate with a photo whose face is about 30 px wide: its eyes are masked",
              regions_json(page.regions, page.width, page.height), clear=clear)

    # An invoice-like page of printed patterns, no face and no name.
    page = ms.RasterPage(1240, 900, marks=marks, dpi=150)
    red = (150, 60, 40)
    page.rect(80, 80, 1160, 820, 3, red)
    clear = [glyph_box(page.text(620, 150, "增值税普通发票", font="serif", pt=22, color=red,
                                 align="center"))]
    for i, (member, size) in enumerate(zip(PATTERN_MEMBERS, (160, 200, 260))):
        pattern = wheel_image(member)
        pattern = pattern.resize((size, round(pattern.height * size / pattern.width)))
        x, y = 130 + 350 * i, 260
        page.image.paste(pattern, (x, y))
        clear.append([x, y, x + pattern.width, y + pattern.height])
    clear.append(glyph_box(page.text(130, 700, "价税合计（大写）：壹佰壹拾贰元贰角", font="serif",
                                     pt=14)))
    files.add("invoice_patterns_no_face.png", "A", page,
              "printed patterns (a chequered code, a silhouette, coins) and no face: no eye bar, 否",
              [], clear=clear)
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": SHAPES_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels), with the exact poly",
            "clear": "boxes that must stay visible (titles, text, the printed patterns)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Main
def damaged_jpeg(image: Image.Image) -> bytes:
    """A JPEG whose data breaks off inside while its end marker is still there, as a flipped
    bit leaves it: decoders stop there and fill the rest of the page with the last blocks."""
    data = jpeg_bytes(image, quality=90)
    return data[:len(data) * 2 // 5] + b"\xff\xd9"


def scanned(image: Image.Image, seed: int) -> Image.Image:
    """``image`` with a scanner's grain, so that no row repeats another exactly."""
    rng = random.Random(seed)
    grain = Image.frombytes("L", image.size,
                            bytes(rng.randrange(0, 40) for _ in range(image.width * image.height)))
    return ImageChops.subtract(image, Image.merge("RGB", [grain] * 3))


def big_tiff(path: Path, pages: int):
    """An A4 page at 300 DPI (a white page with one black bar), ``pages`` times in one
    Deflate TIFF: the size of file whose peak memory issue 30 bounds."""
    page = Image.new("RGB", (2480, 3508), "white")
    ImageDraw.Draw(page).rectangle([300, 300, 2100, 360], fill=(30, 30, 30))
    path.parent.mkdir(parents=True, exist_ok=True)
    page.save(path, save_all=True, append_images=[page] * (pages - 1),
              compression="tiff_adobe_deflate")


HOSTILE_FOLDER = "H01_王玥"
"""The applicant every hostile file belongs to."""

TAMPERINGS = [
    {"item": 2, "case": "see-through mask",
     "how": "the form's output: each name mask set to the original page times 40/255, the "
            "manifest's output_sha256 updated"},
    {"item": 2, "case": "lighter mask",
     "how": "the form's output: each name mask painted grey (90, 90, 90), the hash updated"},
    {"item": 3, "case": "extra files",
     "how": "an unmasked copy of the form named after the applicant, and a stray 999.jpg, "
            "put into files/"},
    {"item": 4, "case": "orphaned output",
     "how": "the form withdrawn from the intake, then --resume: its output must go"},
    {"item": 5, "case": "settings drift",
     "how": "--resume with another --dpi, then with another --mask-color: refused"},
    {"item": 9, "case": "two runs",
     "how": "a second run on the folder while the first runs: refused (exit 5); nothing lost"},
    {"item": 10, "case": "two servers",
     "how": "blindfold run and a second staff server while a staff server has the run open: "
            "refused (exit 5)"},
]


def make_hostile(out: Path) -> dict:
    """Write the hostile corpus (issue 30); returns ``expected.json``."""
    files = []

    def add(file, item, reason, status, pages):
        files.append({"file": file, "folder": HOSTILE_FOLDER, "item": item, "reason": reason,
                      "status": status, "pages": pages})

    pdf, regions = partial_cmap_pdf()
    (out / "推荐意见.pdf").write_bytes(pdf)
    add("推荐意见.pdf", 6, "a lying text layer: only the glyphs of the name and of the unit's "
        "first three characters map to other characters", "ok",
        [regions_json(regions, *ms.A4_PX)])

    form, form_regions = meta_page()
    form.save(out / "登记表.png")
    add("登记表.png", [2, 3, 4, 5, 9, 10], "an honest form: the tamperings work on its output",
        "ok", [regions_json(form_regions, *form.size)])

    scan, _ = meta_page()
    (out / "扫描.jpg").write_bytes(damaged_jpeg(scanned(scan, seed=7)))
    add("扫描.jpg", 7, "a JPEG whose data breaks off two fifths in, its end marker kept",
        "review", None)

    cover = ms.RasterPage(800, 600, dpi=200)
    cover.text(400, 300, "申报材料", font="serif", pt=20, align="center")
    numbered = [meta_page(2), (cover.image, []), meta_page(4)]
    stack = [cover.image, *(image for image, _ in numbered)]
    stack[0].save(out / "合订.tif", save_all=True, append_images=stack[1:],
                  compression="tiff_adobe_deflate")
    add("合订.tif", 8, "a four-page TIFF: the name and unit on pages 2 and 4", "ok",
        [[]] + [regions_json(r, 800, 600) for _, r in numbered])

    return {
        "roster": [{"folder": HOSTILE_FOLDER, "name": NAME, "unit": UNIT,
                    "aliases": UNIT_ALIAS}],
        "files": files,
        "tamperings": TAMPERINGS,
        "big_tiff": "made with --big-tiff PAGES into big/ (not committed): "
                    "a 300 DPI A4 page PAGES times",
    }


# --------------------------------------------------------------------------


def fresh_dir(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


TURNED_ROSTER = [
    {"folder": "A", "name": "凌晓雯", "unit": "轮台县人民医院", "aliases": ""},
]


def make_turned(out: Path) -> dict:
    """Write the turned-page fixtures (a lab report photographed a quarter turn either way,
    upside down and at 45 degrees); returns ``expected.json``."""
    name, unit, marks = applicant_marks(TURNED_ROSTER)
    page = ms.RasterPage(1240, 1754, marks=marks, dpi=150)
    clear = [glyph_box(page.text(620, 170, "临床检验报告单", font="sans", pt=24, align="center"))]
    page.text(150, 300, f"姓名：{name}", font="sans", pt=14)
    clear.append(glyph_box(page.text(700, 300, "性别：女    年龄：36岁", font="sans", pt=14)))
    page.text(150, 380, f"送检单位：{unit}", font="sans", pt=14)
    clear.append(glyph_box(page.text(150, 460, "标本类型：静脉血    检验项目：血常规", font="sans",
                                     pt=14)))
    for i, row in enumerate(["白细胞计数    6.2    10^9/L    3.5-9.5",
                             "红细胞计数    4.5    10^12/L    3.8-5.1",
                             "血红蛋白    132    g/L    115-150",
                             "血小板计数    210    10^9/L    125-350"]):
        clear.append(glyph_box(page.text(150, 600 + 80 * i, row, font="sans", pt=14)))
    clear.append(glyph_box(page.text(150, 1100, "检验者：张涛    审核者：刘敏", font="sans", pt=14)))
    w, h = page.width, page.height
    # Turned 45 degrees anticlockwise on a larger table: the page's centre lands on the photo's.
    skew = math.radians(45)
    skewed = page.image.rotate(45, expand=True, resample=Image.BICUBIC, fillcolor=(90, 80, 70))
    sw, sh = skewed.size

    def skewed_place(p):
        dx, dy = p[0] - w / 2, p[1] - h / 2
        return (sw / 2 + dx * math.cos(skew) + dy * math.sin(skew),
                sh / 2 - dx * math.sin(skew) + dy * math.cos(skew))

    # (file, the photo, where an upright point lands on it, its reason)
    turns = [
        ("report_quarter_turn.jpg", page.image.transpose(Image.ROTATE_270),
         lambda p: (h - p[1], p[0]), "a lab report photographed a quarter turn clockwise"),
        ("report_upside_down.jpg", page.image.transpose(Image.ROTATE_180),
         lambda p: (w - p[0], h - p[1]), "a lab report photographed upside down"),
        ("report_three_quarter_turn.jpg", page.image.transpose(Image.ROTATE_90),
         lambda p: (p[1], w - p[0]), "a lab report photographed a quarter turn anticlockwise"),
        ("report_skewed_45.jpg", skewed, skewed_place,
         "a lab report photographed at 45 degrees on a dark table"),
    ]
    entries = []
    for file, turned, place, reason in turns:
        image = photographed(turned, cast=(0.96, 0.94, 0.9))
        image.save(out / file, quality=90)
        tw, th = image.size
        entries.append({
            "file": file, "folder": "A",
            "reason": f"{reason}: the name and the unit are masked where they lie on the "
                      "photo as taken, the title, the results and the signers stay visible",
            "regions": [r.transformed(place).to_json(tw, th) for r in page.regions],
            "clear": [[[round(x, 1), round(y, 1)] for x, y in map(place, ms.rect_poly(b))]
                      for b in clear],
        })
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": TURNED_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels of the photo as taken)",
            "clear": "polygons that must stay visible (title, results, signers)",
        },
        "files": entries,
    }


# --------------------------------------------------------------------------
# Names the recognizer half-reads
# --------------------------------------------------------------------------

MISREAD_ROSTER = [
    {"folder": "A", "name": "臧琳", "unit": "和静县人民医院", "aliases": ""},
    {"folder": "B", "name": "瞿颖", "unit": "和静县人民医院", "aliases": ""},
]


def make_misread(out: Path) -> dict:
    """Write the half-read name fixtures: a notice in small print, photographed soft and noisy,
    whose applicant's two-character name the recognizer reads with one character wrong (臧 as
    减 or 威, 瞿 as 耀 or 翟) and no label beside it; returns ``expected.json``."""
    files = FolderFiles(out)
    for i, row in enumerate(MISREAD_ROSTER):
        name, _, marks = applicant_marks([row])
        page = ms.RasterPage(900, 420, marks=marks, dpi=150)
        clear = [glyph_box(page.text(450, 80, "推荐人员公示", font="serif", pt=12,
                                     align="center"))]
        page.text(60, 170, f"经研究，同意{name}申报主管护师资格。", font="serif", pt=9)
        # Another person sharing a character of the name, read surely: not the applicant.
        clear.append(glyph_box(page.text(60, 230, f"经研究，同意王{name[1]}申报护师资格。",
                                         font="serif", pt=9)))
        clear.append(glyph_box(page.text(840, 340, "2024年6月1日", font="serif", pt=9,
                                         align="right")))
        regions = regions_json(page.regions, page.width, page.height)
        soft = degrade(photographed(page.image), seed=4, noise=6, blur=1.2)
        page.image = Image.open(io.BytesIO(jpeg_bytes(soft, quality=55)))
        files.add(f"notice_small_print_{'ab'[i]}.jpg", row["folder"], page,
                  "a phone photo of a notice in small print: the applicant's name, one character "
                  "misread with the right one among the recognizer's alternatives, is masked; "
                  "another person sharing its second character stays visible", regions,
                  clear=clear)
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": MISREAD_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels)",
            "clear": "boxes that must stay visible (title, another person's line, date)",
        },
        "files": files.entries,
    }


# --------------------------------------------------------------------------
# Small grey print
# --------------------------------------------------------------------------

GREY_PRINT_ROSTER = [{"folder": "A", "name": "凌晓燕", "unit": "库尔勒市第二人民医院", "aliases": ""}]


def make_grey_print(out: Path) -> dict:
    """Write the small grey print fixtures: phone photos of a lab report whose results are
    printed dark and whose requesting doctor (送检医生, the applicant) and signers are printed
    small and grey, about 14 pixels high; returns ``expected.json``."""
    files = FolderFiles(out)
    name, _, marks = applicant_marks(GREY_PRINT_ROSTER)
    for i, (pt, grey) in enumerate([(6.5, 160), (7.0, 175)]):
        page = ms.RasterPage(1500, 2121, marks=marks, dpi=150)
        clear = [glyph_box(page.text(750, 206, "新疆某某医学检验中心检验报告单", font="sans",
                                     pt=24, align="center"))]
        clear.append(glyph_box(page.text(181, 363, "患者：李明    性别：男    年龄：52岁",
                                         font="sans", pt=14.5)))
        for k, row in enumerate(["白细胞计数    6.2    10^9/L    3.5-9.5",
                                 "红细胞计数    4.5    10^12/L    3.8-5.1"]):
            clear.append(glyph_box(page.text(181, 508 + 85 * k, row, font="sans", pt=14.5)))
        page.text(181, 968, f"送检医生：{name}", font="sans", pt=pt, color=(grey,) * 3)
        clear.append(glyph_box(page.text(847, 968, "检验者：张涛   审核者：刘敏", font="sans",
                                         pt=pt, color=(grey,) * 3)))
        regions = regions_json(page.regions, page.width, page.height)
        page.image = degrade(photographed(page.image), seed=10 + i, noise=6, blur=0.8)
        files.add(f"report_grey_doctor_{'ab'[i]}.jpg", "A", page,
                  f"a phone photo of a lab report whose requesting doctor, the applicant, is "
                  f"printed {pt} pt in grey {grey} beside dark results: the name is found and "
                  "masked; the title, the results and the signers stay visible", regions,
                  clear=clear)
    return {
        "generator": "scripts/make_fixtures.py",
        "roster": GREY_PRINT_ROSTER,
        "fields": {
            "regions": "what must be masked (image pixels)",
            "clear": "boxes that must stay visible (title, patient, results, signers)",
        },
        "files": files.entries,
    }


def write_json(path: Path, doc: dict):
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


GROUPS = {"ocr": make_ocr, "meta": make_meta, "bad": make_bad, "layer": make_layer,
          "scripts": make_scripts, "handwriting": make_handwriting, "seals": make_seals,
          "shapes": make_shapes, "faces": make_faces, "hostile": make_hostile,
          "turned": make_turned, "misread": make_misread, "grey_print": make_grey_print}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=FIXTURES,
                        help="fixtures folder (default: tests/fixtures in the repository)")
    parser.add_argument("--group", action="append", choices=sorted(GROUPS),
                        help="make only this group (repeatable; default: all)")
    parser.add_argument("--big-tiff", type=int, metavar="PAGES",
                        help="with the hostile group: also write big/ (not committed), an "
                             "intake holding one A4 TIFF of PAGES pages, and its roster")
    args = parser.parse_args(argv)
    ms.require_fonts()
    groups = args.group or list(GROUPS)
    for group in groups:
        folder = fresh_dir(args.out / group)
        write_json(folder / "expected.json", GROUPS[group](folder))
    if args.big_tiff:
        big = args.out / "hostile" / "big"
        big_tiff(big / "intake" / HOSTILE_FOLDER / "a4.tif", args.big_tiff)
        (big / "roster.csv").write_text(f"folder,name,unit\n{HOSTILE_FOLDER},{NAME},{UNIT}\n",
                                        encoding="utf-8")
    total = sum(p.stat().st_size for g in groups
                for p in (args.out / g).rglob("*") if p.is_file())
    print(f"wrote {args.out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
