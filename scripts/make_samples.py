#!/usr/bin/env python3
"""Generate the small sample intake committed under ``samples/``.

The intake imitates what a health worker uploads for a professional-title
application in Bayingolin (巴州): one sub-folder per applicant holding vector
PDFs, scanned JPEG/TIFF pages, PNG exports and an ID-card photocopy with a
face photo.  Three fictional applicants are generated:

* ``01_阿依古丽·买买提`` – 焉耆回族自治县人民医院 (alias 焉耆县人民医院)
* ``2024ZC0117`` – 王玥, 巴音郭楞蒙古自治州人民医院 (alias 巴州人民医院)
* ``03_李建国`` – 库尔勒市第二人民医院 (no alias)

Outputs (all relative to the repository root):

* ``samples/intake/<folder>/...``  the documents
* ``samples/roster.csv``           ``folder,name,unit,aliases,archive_no`` (aliases ``|``-separated)
* ``samples/truth.json``           every region that must be masked, per file and page

Every text region is the *ink* extent of its characters, measured from the
glyphs actually drawn (Pillow masks for raster pages, font outlines for vector
PDF pages).  Eye regions follow the bar convention used by the evaluation:
from 0.4 inter-ocular distances (IOD) outside each eye, ±0.25 IOD across the
eye line.  Coordinates are pixels of the page: the image itself, or a PDF page
rendered at 200 DPI.

The script is deterministic (fixed seeds, pinned packages, fixed PDF dates).
Run it with any ``python3``: when Pillow/fpdf2/numpy at the pinned versions are
not importable it creates a virtual environment at
``/tmp/blindfold-scripts-venv`` (override with ``BLINDFOLD_SCRIPTS_VENV``),
installs ``scripts/requirements.txt`` into it and re-runs itself there.

Fonts come from the Debian packages ``fonts-noto-cjk`` and ``fonts-wqy-zenhei``.
The face is the public-domain astronaut portrait shipped inside the
scikit-image wheel (``skimage/data/astronaut.png``); it is fetched once with
``pip download`` into a cache folder and only that one file is read.

This module also holds the drawing helpers (``RasterPage``, ``VectorDoc``,
fonts, scan simulation) that ``scripts/make_fixtures.py`` imports.

Usage::

    python3 scripts/make_samples.py [--preview DIR]

``--preview DIR`` writes PNGs of every raster page with the truth boxes drawn
(and of PDF pages too when ``pypdfium2`` happens to be importable).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent
REQUIREMENTS = SCRIPT_DIR / "requirements.txt"
VENV_DIR = Path(os.environ.get("BLINDFOLD_SCRIPTS_VENV", "/tmp/blindfold-scripts-venv"))
_REEXEC_FLAG = "BLINDFOLD_SCRIPTS_REEXEC"


# --------------------------------------------------------------------------
# Environment bootstrap (standard library only)
# --------------------------------------------------------------------------

def _pinned_requirements() -> dict[str, str]:
    """Return ``{distribution: version}`` from ``scripts/requirements.txt``."""
    pins = {}
    for raw in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if "==" in line:
            dist, version = line.split("==", 1)
            pins[dist.strip().lower()] = version.strip()
    return pins


def _environment_ok() -> bool:
    """True when every pinned distribution is installed at its pinned version."""
    from importlib import metadata

    for dist, version in _pinned_requirements().items():
        try:
            if metadata.version(dist) != version:
                return False
        except metadata.PackageNotFoundError:
            return False
    return True


def _venv_python() -> Path:
    if os.name == "nt":
        return VENV_DIR / "Scripts" / "python.exe"
    return VENV_DIR / "bin" / "python"


def ensure_environment() -> None:
    """Make sure the pinned packages are importable, re-executing if needed.

    When they are missing (or at other versions) the script creates the
    virtual environment, installs the pinned requirements into it and replaces
    the current process with the same command run by the venv's python.
    """
    if _environment_ok():
        return
    # Stage 0: first run; 1: re-run by the venv's python without installing;
    # 2: re-run after installing (giving up if still not right).
    stage = int(os.environ.get(_REEXEC_FLAG, "0"))
    if stage >= 2:
        sys.exit(
            f"error: {_venv_python()} still lacks the packages pinned in {REQUIREMENTS}; "
            f"delete {VENV_DIR} and try again"
        )
    python = _venv_python()
    in_venv = Path(sys.prefix).resolve() == VENV_DIR.resolve()
    if stage == 0 and python.exists() and not in_venv:
        next_stage = 1
    else:
        if not python.exists():
            print(f"creating virtual environment {VENV_DIR}", file=sys.stderr)
            subprocess.check_call([sys.executable, "-m", "venv", str(VENV_DIR)])
        print(f"installing {REQUIREMENTS.name} into {VENV_DIR}", file=sys.stderr)
        subprocess.check_call(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-r", str(REQUIREMENTS)]
        )
        next_stage = 2
    env = dict(os.environ, **{_REEXEC_FLAG: str(next_stage)})
    script = os.path.abspath(sys.argv[0])
    os.execve(str(python), [str(python), script, *sys.argv[1:]], env)


ensure_environment()

# The imports below need the pinned packages.
import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from datetime import datetime, timezone  # noqa: E402

import numpy as np  # noqa: E402
from fontTools.pens.boundsPen import BoundsPen  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from fpdf import FPDF  # noqa: E402
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont  # noqa: E402

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

DPI = 200
"""Pixels per inch of every raster page and of the PDF truth coordinates."""

A4_PT = (595.28, 841.89)
A4_PX = (1654, 2339)
"""A4 at 200 DPI, the size of every portrait image page."""

PX_PER_PT = DPI / 72.0

FONTS = {
    # key: (file, face index inside the collection, Debian package)
    "sans": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "fonts-noto-cjk"),
    "serif": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"),
    "wqy": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"),
}
"""The three CJK faces used everywhere (index 2 of the Noto collections is SC)."""

FONT_LABELS = {
    "sans": "Noto Sans CJK SC",
    "serif": "Noto Serif CJK SC",
    "wqy": "WenQuanYi Zen Hei",
}

PDF_DATE = datetime(2024, 5, 20, 9, 30, 0, tzinfo=timezone.utc)
"""Fixed creation date so that PDFs (and their /ID) are reproducible."""

FACE_CACHE = Path(os.environ.get("BLINDFOLD_FACE_CACHE", "/tmp/blindfold-face-cache"))

ASTRONAUT_MEMBER = "skimage/data/astronaut.png"

ASTRONAUT_EYES = ((203.5, 100.5), (246.0, 102.5))
"""Eye centres (subject's right eye first, i.e. image-left) in the 512x512
astronaut image, read off an 8x enlargement and refined to the pupil centroid."""

FACE_CROP = (142, 8, 308, 240)
"""Head-and-shoulders crop of the astronaut image (166x232, the 1-inch photo
aspect ratio 25:35)."""

# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------


def _installer_running() -> bool:
    """True when an apt/dpkg process is running (fonts may be on their way)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return False
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if comm in ("apt", "apt-get", "dpkg", "aptitude"):
            return True
    return False


def require_fonts(timeout_s: float = 900.0) -> None:
    """Check the font files exist; wait while a package installer is running.

    Exits with an installation hint when they are still missing.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        missing = [spec for spec in FONTS.values() if not Path(spec[0]).is_file()]
        if not missing:
            return
        if time.monotonic() < deadline and _installer_running():
            print("waiting for fonts being installed: "
                  + ", ".join(sorted({m[0] for m in missing})), file=sys.stderr)
            time.sleep(10)
            continue
        packages = " ".join(sorted({m[2] for m in missing}))
        sys.exit(f"error: missing fonts; install them with: apt-get install -y {packages}")


_PIL_FONTS: dict[tuple[str, float], ImageFont.FreeTypeFont] = {}


def pil_font(key: str, size_px: float) -> ImageFont.FreeTypeFont:
    """A cached Pillow font of face ``key`` at ``size_px`` pixels per em."""
    cache_key = (key, round(size_px, 3))
    font = _PIL_FONTS.get(cache_key)
    if font is None:
        path, index, _ = FONTS[key]
        font = ImageFont.truetype(path, size=size_px, index=index,
                                  layout_engine=ImageFont.Layout.BASIC)
        _PIL_FONTS[cache_key] = font
    return font


class OutlineMetrics:
    """Glyph advances and outline bounds of one font face, via fontTools.

    Used for vector PDF pages, whose ink boxes are computed from the font
    outlines rather than from a rasteriser.
    """

    _cache: dict[str, "OutlineMetrics"] = {}

    def __init__(self, key: str):
        path, index, _ = FONTS[key]
        self.font = TTFont(path, fontNumber=index, lazy=True)
        self.upem = self.font["head"].unitsPerEm
        self.cmap = self.font.getBestCmap()
        self.glyphs = self.font.getGlyphSet()
        self._bounds: dict[str, tuple | None] = {}

    @classmethod
    def get(cls, key: str) -> "OutlineMetrics":
        if key not in cls._cache:
            cls._cache[key] = OutlineMetrics(key)
        return cls._cache[key]

    def bounds(self, ch: str):
        """Outline bounds ``(xmin, ymin, xmax, ymax)`` in font units, or None."""
        if ch not in self._bounds:
            name = self.cmap.get(ord(ch))
            result = None
            if name is not None:
                pen = BoundsPen(self.glyphs)
                self.glyphs[name].draw(pen)
                result = pen.bounds
            self._bounds[ch] = result
        return self._bounds[ch]


# --------------------------------------------------------------------------
# Regions and text marking
# --------------------------------------------------------------------------


@dataclass
class Region:
    """A truth region: what must (or may) be masked on a page."""

    kind: str
    """``name``, ``unit``, ``eyes``, ``other_name`` or ``authority_seal`` (must stay visible)."""
    text: str | None
    poly: list[tuple[float, float]]
    """Polygon in page pixels; a rectangle for upright text."""
    extra: dict = field(default_factory=dict)

    def transformed(self, fn) -> "Region":
        """A copy with every point (polygon and eye centres) mapped by ``fn``."""
        extra = dict(self.extra)
        if "eyes" in extra:
            extra["eyes"] = [fn(p) for p in extra["eyes"]]
        return Region(self.kind, self.text, [fn(p) for p in self.poly], extra)

    def to_json(self, width: int, height: int) -> dict:
        xs = [p[0] for p in self.poly]
        ys = [p[1] for p in self.poly]
        bbox = [
            max(0, math.floor(min(xs))),
            max(0, math.floor(min(ys))),
            min(width, math.ceil(max(xs))),
            min(height, math.ceil(max(ys))),
        ]
        out = {"kind": self.kind, "bbox": bbox}
        if self.text is not None:
            out["text"] = self.text
        out["poly"] = [[round(x, 1), round(y, 1)] for x, y in self.poly]
        for key, value in self.extra.items():
            if key == "eyes":
                value = [[round(x, 1), round(y, 1)] for x, y in value]
            out[key] = value
        return out


def rect_poly(box) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def union_box(boxes):
    boxes = [b for b in boxes if b is not None]
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


@dataclass
class Glyph:
    """One drawn character and its ink box in page pixels (None if blank)."""

    ch: str
    box: tuple[float, float, float, float] | None
    line: int = 0


def find_marks(glyphs: list[Glyph], marks: list[tuple[str, str]]) -> list[Region]:
    """Regions for every occurrence of a marked string in drawn text.

    Whitespace is ignored when matching (a form may print 王  玥 for 王玥).
    Longer marks win over shorter ones; an occurrence spread over several
    lines yields one region per line.
    """
    visible = [i for i, g in enumerate(glyphs) if not g.ch.isspace()]
    flat = "".join(glyphs[i].ch for i in visible)
    taken = [False] * len(flat)
    regions = []
    for text, kind in sorted(marks, key=lambda m: -len(m[0].replace(" ", ""))):
        needle = "".join(text.split())
        if not needle:
            continue
        start = flat.find(needle)
        while start >= 0:
            span = range(start, start + len(needle))
            if not any(taken[k] for k in span):
                for k in span:
                    taken[k] = True
                by_line: dict[int, list[Glyph]] = {}
                for k in span:
                    g = glyphs[visible[k]]
                    by_line.setdefault(g.line, []).append(g)
                for line in sorted(by_line):
                    part = by_line[line]
                    box = union_box([g.box for g in part])
                    if box is not None:
                        regions.append(Region(kind, "".join(g.ch for g in part), rect_poly(box)))
            start = flat.find(needle, start + 1)
    return regions


_NO_LINE_START = set("，。、；：？！）》」』”’,.;:?!)%")


def wrap_chars(text: str, width: float, advance) -> list[str]:
    """Greedy character wrapping for CJK text.

    ``advance(ch)`` gives a character's advance in the same unit as ``width``.
    A closing punctuation mark never starts a line (it may overhang instead).
    """
    lines, current, used = [], "", 0.0
    for ch in text:
        adv = advance(ch)
        if current and used + adv > width and ch not in _NO_LINE_START:
            lines.append(current)
            current, used = "", 0.0
        current += ch
        used += adv
    if current:
        lines.append(current)
    return lines


# --------------------------------------------------------------------------
# Page backends: Pillow raster pages and fpdf2 vector pages share one API
# --------------------------------------------------------------------------


class PageBase:
    """Drawing API shared by raster and vector pages.

    Coordinates are pixels at ``dpi``; font sizes are points.  Every string
    drawn is searched for the strings in ``marks`` (pairs ``(text, kind)``)
    and a region is recorded for each occurrence.
    """

    dpi: float = DPI

    def __init__(self, width: int, height: int, marks=None):
        self.width = width
        self.height = height
        self.marks: list[tuple[str, str]] = list(marks or [])
        self.regions: list[Region] = []
        self._line_counter = 0

    def px(self, pt: float) -> float:
        """Font size or length in points to pixels."""
        return pt * self.dpi / 72.0

    # backend hooks -------------------------------------------------------
    def _draw_glyphs(self, x, baseline, text, font, pt, color) -> list[Glyph]:
        raise NotImplementedError

    def advance(self, ch: str, font: str, pt: float) -> float:
        raise NotImplementedError

    # text ----------------------------------------------------------------
    def text_width(self, text: str, font: str, pt: float) -> float:
        return sum(self.advance(ch, font, pt) for ch in text)

    def text(self, x, baseline, text, font="sans", pt=12.0, color=(0, 0, 0),
             align="left", marks=True) -> list[Glyph]:
        """Draw one line with its baseline at ``baseline``; returns its glyphs.

        ``align`` ``center``/``right`` treat ``x`` as the centre/right edge.
        """
        if align != "left":
            w = self.text_width(text, font, pt)
            x = x - (w / 2 if align == "center" else w)
        glyphs = self._draw_glyphs(x, baseline, text, font, pt, color)
        self._line_counter += 1
        for g in glyphs:
            g.line = self._line_counter
        if marks:
            self.regions.extend(find_marks(glyphs, self.marks))
        return glyphs

    def paragraph(self, x, top, width, text, font="sans", pt=12.0, leading=1.75,
                  color=(0, 0, 0), indent_chars=0, first_line_x=None) -> float:
        """Draw wrapped text; returns the y just below the last line.

        ``leading`` is the line pitch in ems.  ``indent_chars`` indents the
        first line by that many ideographic widths (two is the Chinese norm).
        """
        em = self.px(pt)
        indent = indent_chars * self.advance("国", font, pt)
        def adv(c):
            return self.advance(c, font, pt)

        # Only the first line is indented.
        first = wrap_chars(text, width - indent, adv)[0]
        lines = [first] + wrap_chars(text[len(first):], width, adv)
        baseline = top + em * 0.88
        glyphs: list[Glyph] = []
        for i, line in enumerate(lines):
            lx = x + (indent if i == 0 else 0)
            if i == 0 and first_line_x is not None:
                lx = first_line_x
            glyphs.extend(self.text(lx, baseline, line, font, pt, color, marks=False))
            baseline += em * leading
        self.regions.extend(find_marks(glyphs, self.marks))
        return baseline - em * leading + em * 0.4

    # shapes (implemented by backends) --------------------------------------
    def line(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0)):
        raise NotImplementedError

    def rect(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0), fill=None):
        raise NotImplementedError

    def grid(self, xs, ys, width_px=2.0, color=(0, 0, 0), skip=()):
        """Draw a table grid with column edges ``xs`` and row edges ``ys``.

        ``skip`` holds ``(row, col)`` pairs whose right-hand border is omitted,
        to merge cells horizontally.
        """
        for y in (ys[0], ys[-1]):
            self.line(xs[0], y, xs[-1], y, width_px, color)
        for y in ys[1:-1]:
            self.line(xs[0], y, xs[-1], y, width_px, color)
        for r in range(len(ys) - 1):
            for c, x in enumerate(xs):
                if (r, c - 1) in skip:
                    continue
                self.line(x, ys[r], x, ys[r + 1], width_px, color)


SEAL_RED = (205, 30, 35)


@dataclass
class SealLayout:
    """Where a round seal's ink goes, in page pixels."""

    cx: float
    cy: float
    radius: float
    ring_radius: float
    ring_width: float
    star: list[tuple[float, float]]
    glyph_px: float
    glyphs: list[tuple[str, float, float, float]]
    """Ring text: character, baseline centre x, y and clockwise rotation in degrees."""


def seal_layout(cx, cy, radius, ring_text) -> SealLayout:
    """A seal as official ones look: a ring, a five-pointed star, and the ring text along the
    upper arc (262 degrees), each glyph upright towards the rim."""
    star = []
    for k in range(10):
        r = radius * (0.26 if k % 2 == 0 else 0.105)
        a = math.pi / 2 + k * math.pi / 5
        star.append((cx + r * math.cos(a), cy - r * math.sin(a)))
    span = math.radians(262)
    n = len(ring_text)
    r_text = radius * 0.70
    glyphs = []
    for i, ch in enumerate(ring_text):
        a = -span / 2 + span * (i + 0.5) / n  # 0 = top, clockwise positive
        glyphs.append((ch, cx + r_text * math.sin(a), cy - r_text * math.cos(a), math.degrees(a)))
    return SealLayout(cx, cy, radius, radius * 0.96, radius * 0.06, star, radius * 0.24, glyphs)


def seal_region(cx, cy, radius, ring_text, kind) -> Region:
    """The whole disc as one truth region (a 32-gon round the outer ring): ring text cannot be
    boxed per line."""
    poly = [(cx + radius * math.cos(2 * math.pi * k / 32),
             cy + radius * math.sin(2 * math.pi * k / 32)) for k in range(32)]
    return Region(kind, ring_text, poly, {"shape": "seal"})


class RasterPage(PageBase):
    """A Pillow image page; glyph ink boxes are measured from Pillow's masks."""

    def __init__(self, width=A4_PX[0], height=A4_PX[1], marks=None, paper=(255, 255, 255),
                 dpi=DPI):
        super().__init__(width, height, marks)
        self.dpi = dpi
        self.image = Image.new("RGB", (width, height), paper)
        self.draw = ImageDraw.Draw(self.image)

    def advance(self, ch, font, pt):
        return pil_font(font, self.px(pt)).getlength(ch)

    def _draw_glyphs(self, x, baseline, text, font, pt, color):
        f = pil_font(font, self.px(pt))
        glyphs = []
        pen = float(x)
        for ch in text:
            box = None
            if not ch.isspace():
                # Same call ImageDraw.text makes internally, so the ink box is
                # exactly what gets painted.
                start = (math.modf(pen)[0], math.modf(baseline)[0])
                mask, offset = f.getmask2(ch, "L", anchor="ls", start=start)
                ink = mask.getbbox()
                if ink:
                    ox = int(pen) + offset[0]
                    oy = int(baseline) + offset[1]
                    box = (ox + ink[0], oy + ink[1], ox + ink[2], oy + ink[3])
                self.draw.text((pen, baseline), ch, font=f, fill=color, anchor="ls")
            glyphs.append(Glyph(ch, box))
            pen += f.getlength(ch)
        return glyphs

    def line(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0)):
        self.draw.line([(x0, y0), (x1, y1)], fill=color, width=max(1, round(width_px)))

    def rect(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0), fill=None):
        self.draw.rectangle([x0, y0, x1, y1], outline=color if width_px else None,
                            width=max(1, round(width_px)) if width_px else 0, fill=fill)

    def rounded_rect(self, x0, y0, x1, y1, radius, width_px=2.0, color=(0, 0, 0), fill=None):
        self.draw.rounded_rectangle([x0, y0, x1, y1], radius=radius, outline=color,
                                    width=max(1, round(width_px)), fill=fill)

    def photo(self, face: "FacePhoto", x: int, y: int, width: int, kind="eyes"):
        """Paste ``face`` scaled to ``width`` px at (x, y); records its eye bar."""
        scale = width / face.image.width
        height = round(face.image.height * scale)
        img = face.image.resize((width, height), Image.LANCZOS)
        self.image.paste(img, (x, y))
        eyes = [(x + ex * scale, y + ey * scale) for ex, ey in face.eyes]
        self.regions.append(eye_region(eyes, kind))
        return (x, y, x + width, y + height)

    def seal(self, cx, cy, radius, ring_text, kind="unit", color=SEAL_RED):
        """A round seal stamped over the page (ink multiplies with what is under it)."""
        layout = seal_layout(cx, cy, radius, ring_text)
        stamp = Image.new("RGB", self.image.size, (255, 255, 255))
        draw = ImageDraw.Draw(stamp)
        r, w = layout.ring_radius, layout.ring_width
        draw.ellipse([cx - r - w / 2, cy - r - w / 2, cx + r + w / 2, cy + r + w / 2],
                     outline=color, width=max(1, round(w)))
        draw.polygon(layout.star, fill=color)
        font = pil_font("serif", layout.glyph_px)
        for ch, gx, gy, degrees in layout.glyphs:
            size = round(layout.glyph_px * 2)
            glyph = Image.new("L", (size, size), 0)
            ImageDraw.Draw(glyph).text((size / 2, size / 2), ch, font=font, fill=255, anchor="ms")
            glyph = glyph.rotate(-degrees, resample=Image.BICUBIC, center=(size / 2, size / 2))
            stamp.paste(color, (round(gx - size / 2), round(gy - size / 2)), glyph)
        self.image = ImageChops.multiply(self.image, stamp)
        self.draw = ImageDraw.Draw(self.image)
        self.regions.append(seal_region(cx, cy, radius, ring_text, kind))


class VectorDoc:
    """An fpdf2 document in points, with a fixed date for reproducibility."""

    def __init__(self, title=None, author=None, size_pt=A4_PT):
        self.size_pt = size_pt
        self.pdf = FPDF(unit="pt", format=size_pt)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_creation_date(PDF_DATE)
        self.pdf.set_creator("Microsoft Word")  # what such uploads typically say
        if title:
            self.pdf.set_title(title)
        if author:
            self.pdf.set_author(author)
        self._fonts: set[str] = set()
        self.pages: list[VectorPage] = []

    def use_font(self, key: str, pt: float):
        if key not in self._fonts:
            path, index, _ = FONTS[key]
            self.pdf.add_font(key, "", path, collection_font_number=index)
            self._fonts.add(key)
        self.pdf.set_font(key, size=pt)

    def add_page(self, marks=None) -> "VectorPage":
        self.pdf.add_page()
        page = VectorPage(self, marks)
        self.pages.append(page)
        return page

    def save(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.pdf.output(str(path))


class VectorPage(PageBase):
    """A page of a :class:`VectorDoc`; API in pixels at 200 DPI, drawn in points.

    Glyph positions follow the advances fpdf2 itself uses (so PDF viewers
    place glyphs exactly there) and ink boxes come from the font outlines.
    """

    def __init__(self, doc: VectorDoc, marks=None):
        w_pt, h_pt = doc.size_pt
        super().__init__(round(w_pt * PX_PER_PT), round(h_pt * PX_PER_PT), marks)
        self.doc = doc
        self.pdf = doc.pdf

    @staticmethod
    def _pt(v):
        return v / PX_PER_PT

    def advance(self, ch, font, pt):
        self.doc.use_font(font, pt)
        return self.pdf.get_string_width(ch) * PX_PER_PT

    def _draw_glyphs(self, x, baseline, text, font, pt, color):
        self.doc.use_font(font, pt)
        self.pdf.set_text_color(*color)
        self.pdf.text(self._pt(x), self._pt(baseline), text)
        metrics = OutlineMetrics.get(font)
        scale = self.px(pt) / metrics.upem
        glyphs = []
        pen = float(x)
        for ch in text:
            box = None
            b = metrics.bounds(ch) if not ch.isspace() else None
            if b is not None:
                box = (pen + b[0] * scale, baseline - b[3] * scale,
                       pen + b[2] * scale, baseline - b[1] * scale)
            glyphs.append(Glyph(ch, box))
            pen += self.pdf.get_string_width(ch) * PX_PER_PT
        return glyphs

    def line(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0)):
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(self._pt(width_px))
        self.pdf.line(self._pt(x0), self._pt(y0), self._pt(x1), self._pt(y1))

    def rect(self, x0, y0, x1, y1, width_px=2.0, color=(0, 0, 0), fill=None):
        style = "D"
        if fill is not None:
            self.pdf.set_fill_color(*fill)
            style = "DF" if width_px else "F"
        self.pdf.set_draw_color(*color)
        self.pdf.set_line_width(self._pt(width_px or 0.1))
        self.pdf.rect(self._pt(x0), self._pt(y0), self._pt(x1 - x0), self._pt(y1 - y0), style)

    def seal(self, cx, cy, radius, ring_text, centre_text="", kind="unit",
             color=SEAL_RED):
        """A red round seal whose ring text is ``ring_text`` (see :func:`seal_layout`)."""
        with self.pdf.local_context(blend_mode="Multiply"):
            self._seal_marks(seal_layout(cx, cy, radius, ring_text), centre_text, color)
        self.regions.append(seal_region(cx, cy, radius, ring_text, kind))

    def _seal_marks(self, layout: "SealLayout", centre_text, color):
        """Ink of :meth:`seal`: ring, star, ring text and centre text."""
        pdf = self.pdf
        pdf.set_draw_color(*color)
        pdf.set_fill_color(*color)
        pdf.set_line_width(self._pt(layout.ring_width))
        pdf.circle(self._pt(layout.cx), self._pt(layout.cy), self._pt(layout.ring_radius), style="D")
        pdf.polygon([(self._pt(x), self._pt(y)) for x, y in layout.star], style="F")
        pt = layout.glyph_px / PX_PER_PT
        self.doc.use_font("serif", pt)
        pdf.set_text_color(*color)
        for ch, gx, gy, degrees in layout.glyphs:
            w = pdf.get_string_width(ch)
            with pdf.rotation(-degrees, self._pt(gx), self._pt(gy)):
                pdf.text(self._pt(gx) - w / 2, self._pt(gy), ch)
        if centre_text:
            self.doc.use_font("serif", pt * 0.75)
            w = pdf.get_string_width(centre_text)
            pdf.text(self._pt(layout.cx) - w / 2, self._pt(layout.cy + layout.radius * 0.60),
                     centre_text)
        pdf.set_text_color(0, 0, 0)


# --------------------------------------------------------------------------
# Faces
# --------------------------------------------------------------------------


@dataclass
class FacePhoto:
    """A face crop with its eye centres in crop pixels."""

    image: Image.Image
    eyes: list[tuple[float, float]]


def eye_region(eyes, kind="eyes") -> Region:
    """The eye bar: 0.4 IOD beyond each eye along the eye line, ±0.25 IOD across."""
    (lx, ly), (rx, ry) = eyes
    iod = math.hypot(rx - lx, ry - ly)
    ux, uy = (rx - lx) / iod, (ry - ly) / iod
    vx, vy = -uy, ux
    a = (lx - 0.4 * iod * ux, ly - 0.4 * iod * uy)
    b = (rx + 0.4 * iod * ux, ry + 0.4 * iod * uy)
    h = 0.25 * iod
    poly = [(a[0] - h * vx, a[1] - h * vy), (b[0] - h * vx, b[1] - h * vy),
            (b[0] + h * vx, b[1] + h * vy), (a[0] + h * vx, a[1] + h * vy)]
    return Region(kind, None, poly, {"eyes": [tuple(eyes[0]), tuple(eyes[1])],
                                     "iod": round(iod, 1)})


def skimage_data(member: str) -> bytes:
    """One file of the scikit-image wheel (``skimage/data/...``).

    The wheel is downloaded once (``pip download --no-deps --only-binary``)
    into ``FACE_CACHE``.
    """
    FACE_CACHE.mkdir(parents=True, exist_ok=True)
    wheels = sorted(FACE_CACHE.glob("scikit_image-*.whl"))
    if not wheels:
        subprocess.check_call(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--no-deps", "--only-binary=:all:", "scikit-image==0.26.0", "-d", str(FACE_CACHE)]
        )
        wheels = sorted(FACE_CACHE.glob("scikit_image-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as wheel, wheel.open(member) as src:
        return src.read()


def astronaut_png() -> Path:
    """Path of the astronaut portrait, extracted once from the scikit-image wheel."""
    target = FACE_CACHE / "astronaut.png"
    if target.is_file():
        return target
    data = skimage_data(ASTRONAUT_MEMBER)
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return target


def load_face() -> FacePhoto:
    """The astronaut head-and-shoulders crop with its eye centres."""
    img = Image.open(astronaut_png()).convert("RGB")
    x0, y0, x1, y1 = FACE_CROP
    crop = img.crop(FACE_CROP)
    eyes = [(ex - x0, ey - y0) for ex, ey in ASTRONAUT_EYES]
    return FacePhoto(crop, eyes)


# --------------------------------------------------------------------------
# Scan simulation
# --------------------------------------------------------------------------


def rotate_point(p, angle_deg, cx, cy):
    """Where Pillow's ``rotate(angle_deg)`` (counter-clockwise) moves point p."""
    a = math.radians(angle_deg)
    dx, dy = p[0] - cx, p[1] - cy
    return (cx + dx * math.cos(a) + dy * math.sin(a),
            cy - dx * math.sin(a) + dy * math.cos(a))


def scan(page: RasterPage, seed: int, angle=0.0, blur=0.8, noise=5.0, paper=242,
         shading=10.0, gray=False) -> tuple[Image.Image, list[Region]]:
    """Make a clean raster page look scanned; returns image and moved regions.

    Steps: rotate by ``angle`` degrees about the centre (paper-coloured
    fill), Gaussian blur, a smooth light falloff of ``shading`` grey levels
    towards one corner, Gaussian noise of ``noise`` levels, and white pixels
    toned down to the ``paper`` grey.
    """
    rng = np.random.default_rng(seed)
    img = page.image
    w, h = img.size
    if angle:
        img = img.rotate(angle, resample=Image.BICUBIC, center=(w / 2, h / 2),
                         fillcolor=(255, 255, 255))
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    arr = np.asarray(img.convert("L") if gray else img, dtype=np.float32)
    # paper tone: map 255 -> paper, keep black black
    arr = arr * (paper / 255.0)
    if shading:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        fall = shading * ((xx / w) * 0.6 + (yy / h) * 0.4)
        arr = arr - (fall[..., None] if arr.ndim == 3 else fall)
    if noise:
        arr = arr + rng.normal(0.0, noise, size=arr.shape).astype(np.float32)
    arr = np.clip(np.rint(arr), 0, 255).astype(np.uint8)
    out = Image.fromarray(arr, "L" if gray else "RGB")
    regions = [r.transformed(lambda p: rotate_point(p, angle, w / 2, h / 2)) for r in page.regions]
    return out, regions


# --------------------------------------------------------------------------
# Output bookkeeping
# --------------------------------------------------------------------------


@dataclass
class Applicant:
    folder: str
    name: str
    unit: str
    aliases: list[str]
    archive_no: str = ""
    """The committee's archive number (档案号); the folder of 王玥 is named by it."""
    others: list[str] = field(default_factory=list)
    """Other people's names appearing in this applicant's documents."""

    def marks(self) -> list[tuple[str, str]]:
        m = [(self.name, "name"), (self.unit, "unit")]
        m += [(a, "unit") for a in self.aliases]
        m += [(o, "other_name") for o in self.others]
        return m


APPLICANTS = [
    Applicant("01_阿依古丽·买买提", "阿依古丽·买买提", "焉耆回族自治县人民医院", ["焉耆县人民医院"],
              archive_no="2024ZC0101"),
    Applicant("2024ZC0117", "王玥", "巴音郭楞蒙古自治州人民医院", ["巴州人民医院"],
              archive_no="2024ZC0117", others=["张建华", "马丽娜", "周文斌"]),
    Applicant("03_李建国", "李建国", "库尔勒市第二人民医院", [],
              archive_no="2024ZC0103", others=["赵婧", "陈旸", "刘堃", "艾尔肯·吐尔逊"]),
]


class TruthWriter:
    """Collects ``samples/truth.json`` entries while files are written."""

    def __init__(self, intake: Path):
        self.intake = intake
        self.files: list[dict] = []

    def _page(self, number, width, height, regions: list[Region], extra=None) -> dict:
        items = [r.to_json(width, height) for r in regions]
        page = {
            "page": number,
            "width": width,
            "height": height,
            "masking_required": any(r["kind"] in ("name", "unit", "eyes") for r in items),
            "regions": items,
        }
        if extra:
            page.update(extra)
        return page

    def add_image(self, path: Path, image_format: str, width, height, regions, template):
        self.files.append({
            "source": path.relative_to(self.intake).as_posix(),
            "type": "image",
            "format": image_format,
            "template": template,
            "expect_error": False,
            "pages": [self._page(1, width, height, regions)],
        })

    def add_pdf(self, path: Path, doc: VectorDoc, template):
        pages = []
        for i, page in enumerate(doc.pages, start=1):
            pages.append(self._page(i, page.width, page.height, page.regions,
                                    {"width_pt": doc.size_pt[0], "height_pt": doc.size_pt[1]}))
        self.files.append({
            "source": path.relative_to(self.intake).as_posix(),
            "type": "pdf",
            "format": "pdf",
            "template": template,
            "expect_error": False,
            "pages": pages,
        })


def save_jpeg(img: Image.Image, path: Path, quality=80):
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "JPEG", quality=quality, optimize=True, subsampling="4:2:0")


def save_png(img: Image.Image, path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "PNG", optimize=True)


# --------------------------------------------------------------------------
# Document templates
# --------------------------------------------------------------------------

INK = (20, 20, 20)
LABEL_BLUE = (70, 110, 150)


def id_card_copy(app: Applicant, face: FacePhoto, id_number: str, address: list[str],
                 birth: str, sex: str, ethnic: str, authority: str, valid: str) -> RasterPage:
    """A4 photocopy of an ID card, front above back, with the usual note."""
    page = RasterPage(marks=app.marks())
    cw, ch = 674, 425  # 85.6 x 54 mm at 200 DPI
    fx, fy = (A4_PX[0] - cw) // 2, 330
    bx, by = fx, fy + ch + 140
    for x, y in ((fx, fy), (bx, by)):
        page.rounded_rect(x, y, x + cw, y + ch, 28, 2, (150, 150, 150), fill=(232, 236, 234))
        for k in range(0, ch, 9):  # faint guilloche-like hatching
            page.line(x + 14, y + k, x + cw - 14, y + k + 6, 1, (224, 229, 227))
    # front
    lab = dict(font="sans", pt=7.5, color=LABEL_BLUE)
    val = dict(font="sans", pt=9.5, color=INK)
    x0 = fx + 46
    page.text(x0, fy + 78, "姓 名", **lab)
    page.text(x0 + 86, fy + 80, app.name, **val)
    page.text(x0, fy + 132, "性 别", **lab)
    page.text(x0 + 86, fy + 134, sex, **val)
    page.text(x0 + 170, fy + 132, "民 族", **lab)
    page.text(x0 + 256, fy + 134, ethnic, **val)
    page.text(x0, fy + 186, "出 生", **lab)
    page.text(x0 + 86, fy + 188, birth, **val)
    page.text(x0, fy + 240, "住 址", **lab)
    for i, line in enumerate(address):
        page.text(x0 + 86, fy + 242 + i * 36, line, **val)
    page.text(x0, fy + 388, "公民身份号码", **lab)
    page.text(x0 + 175, fy + 390, id_number, font="sans", pt=11, color=INK)
    page.photo(face, fx + cw - 52 - 176, fy + 52, 176)
    # back
    page.draw.ellipse([bx + 40, by + 36, bx + 150, by + 146], outline=(200, 40, 40), width=4)
    page.text(bx + 95, by + 112, "★", font="sans", pt=14, color=(200, 40, 40), align="center")
    page.text(bx + 390, by + 120, "中华人民共和国", font="serif", pt=13, color=INK, align="center")
    page.text(bx + 337, by + 230, "居民身份证", font="serif", pt=22, color=INK, align="center")
    page.text(bx + 120, by + 330, "签发机关", **lab)
    page.text(bx + 250, by + 332, authority, **val)
    page.text(bx + 120, by + 385, "有效期限", **lab)
    page.text(bx + 250, by + 387, valid, **val)
    # the applicant's handwritten-style certification note
    page.text(A4_PX[0] / 2, by + ch + 170, "此复印件仅供申报卫生系列专业技术资格使用",
              font="serif", pt=13, color=(40, 60, 130), align="center")
    page.text(A4_PX[0] / 2, by + ch + 250, "再次复印无效", font="serif", pt=13,
              color=(40, 60, 130), align="center")
    return page


def pledge(app: Applicant, id_number: str, title_sought: str) -> VectorDoc:
    """个人承诺书: a one-page vector PDF in Noto Serif."""
    doc = VectorDoc(title="个人承诺书")
    page = doc.add_page(app.marks())
    left, width = 236, A4_PX[0] - 2 * 236
    page.text(A4_PX[0] / 2, 380, "个人承诺书", font="serif", pt=22, align="center")
    y = 520
    y = page.paragraph(left, y, width, (
        f"本人{app.name}，身份证号码{id_number}，现工作单位为{app.unit}，"
        f"现申报{title_sought}。本人郑重承诺："), font="serif", pt=14, indent_chars=2)
    items = [
        "一、本人所提交的申报材料（含学历学位证书、资格证书、聘任文件、年度考核结果、继续教育"
        "证明、业绩成果等）真实、准确、完整，不存在伪造、变造、冒用他人材料等情况。",
        f"二、本人申报材料已经{app.aliases[0]}审核，并在单位内部公示5个工作日，公示期间无异议。",
        "三、本人严格遵守职称评审工作纪律，不以任何方式请托、干扰评审工作。",
        "四、如有弄虚作假，本人自愿承担取消申报资格、撤销已取得的专业技术资格、记入诚信档案"
        "等一切后果。",
    ]
    for item in items:
        y = page.paragraph(left, y + 30, width, item, font="serif", pt=14, indent_chars=2)
    page.text(A4_PX[0] - left - 620, y + 260, "承诺人（签字）：", font="serif", pt=14)
    page.text(A4_PX[0] - left - 620 + page.text_width("承诺人（签字）：", "serif", 14), y + 262,
              app.name, font="serif", pt=16, color=(25, 35, 90))
    page.text(A4_PX[0] - left - 420, y + 370, "2024年5月16日", font="serif", pt=14)
    return doc


def workload_table(rng: np.random.Generator) -> RasterPage:
    """工作量统计表: a PNG export with nothing that needs masking."""
    page = RasterPage(marks=[])
    page.text(A4_PX[0] / 2, 300, "2023年度妇产科门诊及住院工作量统计表", font="sans", pt=18,
              align="center")
    page.text(A4_PX[0] / 2, 380, "（数据来源：医院信息管理系统 HIS）", font="sans", pt=11,
              color=(80, 80, 80), align="center")
    heads = ["月份", "门诊人次", "住院管床", "手术台次", "夜班次数", "会诊次数"]
    xs = [180, 380, 600, 820, 1040, 1260, 1474]
    ys = [450 + 88 * k for k in range(15)]
    page.rect(xs[0], ys[0], xs[-1], ys[1], 0, fill=(225, 232, 242))
    page.grid(xs, ys, 2, (60, 60, 60))
    for c, head in enumerate(heads):
        page.text((xs[c] + xs[c + 1]) / 2, ys[0] + 57, head, font="sans", pt=12, align="center")
    totals = [0] * 5
    for m in range(12):
        row = [int(rng.integers(260, 420)), int(rng.integers(25, 60)), int(rng.integers(8, 30)),
               int(rng.integers(3, 8)), int(rng.integers(2, 15))]
        totals = [t + v for t, v in zip(totals, row)]
        y = ys[m + 1] + 57
        page.text((xs[0] + xs[1]) / 2, y, f"{m + 1}月", font="sans", pt=12, align="center")
        for c, v in enumerate(row):
            page.text((xs[c + 1] + xs[c + 2]) / 2, y, str(v), font="sans", pt=12, align="center")
    y = ys[13] + 57
    page.text((xs[0] + xs[1]) / 2, y, "合计", font="sans", pt=12, align="center")
    for c, v in enumerate(totals):
        page.text((xs[c + 1] + xs[c + 2]) / 2, y, str(v), font="sans", pt=12, align="center")
    page.paragraph(180, ys[-1] + 60, 1294, (
        "说明：门诊人次含专家门诊与普通门诊；住院管床按月末在院患者统计；手术台次含"
        "剖宫产、腹腔镜及宫腔镜手术；统计截止日期为2023年12月31日。"), font="sans", pt=11)
    page.text(1474, ys[-1] + 330, "科室审核：（盖章）", font="sans", pt=12, align="right")
    page.text(1474, ys[-1] + 410, "2024年1月8日", font="sans", pt=12, align="right")
    return page


def recommendation(app: Applicant) -> VectorDoc:
    """单位推荐意见: a two-page vector PDF in WenQuanYi Zen Hei with a seal."""
    doc = VectorDoc(title="单位推荐意见")
    page = doc.add_page(app.marks())
    page.text(A4_PX[0] / 2, 330, "卫生系列专业技术资格申报", font="wqy", pt=18, align="center")
    page.text(A4_PX[0] / 2, 420, "单 位 推 荐 意 见", font="wqy", pt=18, align="center")
    xs = [190, 430, 700, 900, 1120, 1464]
    ys = [500 + 100 * k for k in range(5)]
    page.grid(xs, ys, 2.5, skip={(1, 1), (1, 2), (1, 3)})
    cells = [
        ["姓  名", app.name, "性  别", "女", "1988年7月"],
        ["工作单位", app.unit, None, None, None],
        ["现从事专业", "心血管内科", "现任资格", "主治医师", "2017年5月"],
        ["申报专业", "心血管内科", "申报资格", "副主任医师", "正高 □ 副高 ■"],
    ]
    for r, row in enumerate(cells):
        for c, value in enumerate(row):
            if value is None:
                continue
            page.text(xs[c] + 22, ys[r] + 64, value, font="wqy", pt=12)
    page.text(190, ys[-1] + 110, "推荐意见：", font="wqy", pt=14)
    body = (
        f"兹推荐{app.name}同志申报卫生系列副主任医师专业技术资格。该同志2012年7月毕业于新疆医科"
        f"大学临床医学专业，同年8月经公开招聘到{app.unit}心血管内科工作，2017年取得主治医师资格并聘任至今。"
        f"任现职以来，该同志熟练掌握心血管内科常见病、多发病的诊治，能独立完成冠状动脉造影、"
        f"临时起搏器植入等介入操作，年均门诊量3200余人次，年均管理住院患者600余人次，参与抢救急性"
        f"心肌梗死、恶性心律失常等危重患者百余例，无医疗差错和医疗事故。"
    )
    y = page.paragraph(190, ys[-1] + 150, 1274, body, font="wqy", pt=13, indent_chars=2)
    body2 = (
        "该同志积极开展新技术，2021年牵头在巴州人民医院开展心脏康复门诊，累计随访患者900余例；"
        "以第一作者在统计源期刊发表论文3篇，参与自治区级科研课题1项；承担新疆医科大学实习生及"
        "基层进修医师带教工作，年均带教20余人次。"
    )
    page.paragraph(190, y + 20, 1274, body2, font="wqy", pt=13, indent_chars=2)
    page.text(A4_PX[0] / 2, 2200, "第 1 页 共 2 页", font="wqy", pt=10, align="center",
              color=(90, 90, 90))
    # page 2
    page = doc.add_page(app.marks())
    body3 = (
        f"{app.name}同志政治立场坚定，遵守医德医风，2019年、2021年、2023年年度考核均为优秀，"
        f"2022年被评为院级优秀医师。经科室推荐、单位职称评审推荐小组评议，并在本单位公示5个工作日，"
        f"公示期间无异议，同意推荐{app.name}同志申报卫生系列副主任医师专业技术资格。"
    )
    y = page.paragraph(190, 300, 1274, body3, font="wqy", pt=13, indent_chars=2)
    page.text(190, y + 200, "科室负责人（签字）：", font="wqy", pt=13)
    page.text(190 + page.text_width("科室负责人（签字）：", "wqy", 13), y + 200, "张建华",
              font="wqy", pt=13)
    page.text(190, y + 300, "单位负责人（签字）：", font="wqy", pt=13)
    page.text(190 + page.text_width("单位负责人（签字）：", "wqy", 13), y + 300, "马丽娜",
              font="wqy", pt=13)
    page.text(760, y + 480, "推荐单位（盖章）：", font="wqy", pt=13)
    page.text(760, y + 560, app.unit, font="wqy", pt=13)
    page.text(1010, y + 720, "2024年5月20日", font="wqy", pt=13)
    page.seal(1140, y + 560, 190, app.unit, "职称专用章")
    page.text(A4_PX[0] / 2, 2200, "第 2 页 共 2 页", font="wqy", pt=10, align="center",
              color=(90, 90, 90))
    return doc


def annual_assessment(app: Applicant, face: FacePhoto) -> RasterPage:
    """年度考核登记表: a form with a 1-inch photo, scanned in greyscale."""
    page = RasterPage(marks=app.marks())
    page.text(A4_PX[0] / 2, 300, "事业单位工作人员年度考核登记表", font="serif", pt=20, align="center")
    page.text(A4_PX[0] / 2, 380, "（ 2023 年度 ）", font="serif", pt=14, align="center")
    xs = [170, 400, 690, 880, 1170, 1484]
    ys = [450, 560, 670, 780, 890]
    page.grid(xs[:5], ys, 2.5, skip={(2, 1), (2, 2), (3, 1), (3, 2)})
    page.line(xs[4], ys[0], xs[5], ys[0], 2.5)
    page.line(xs[5], ys[0], xs[5], ys[-1], 2.5)
    page.line(xs[4], ys[-1], xs[5], ys[-1], 2.5)
    pt = 13
    rows = [
        ["姓  名", "王  玥" if app.name == "王玥" else app.name, "性  别", "女"],
        ["出生年月", "1988年7月", "政治面貌", "中共党员"],
        ["工作单位", app.aliases[0] if app.aliases else app.unit],
        ["现任职务", "心血管内科主治医师"],
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            page.text(xs[c] + 24, ys[r] + 70, value, font="serif", pt=pt)
    # 1-inch photo, 236 px wide, centred in the photo cell
    pw = 236
    ph = round(face.image.height * pw / face.image.width)
    page.photo(face, (xs[4] + xs[5] - pw) // 2, (ys[0] + ys[-1] - ph) // 2, pw)
    # summary
    top = ys[-1]
    bottom = top + 760
    page.rect(xs[0], top, xs[5], bottom, 2.5)
    page.line(xs[1], top, xs[1], bottom, 2.5)
    page.text(xs[0] + 40, top + 300, "个", font="serif", pt=pt)
    page.text(xs[0] + 40, top + 370, "人", font="serif", pt=pt)
    page.text(xs[0] + 40, top + 440, "总", font="serif", pt=pt)
    page.text(xs[0] + 40, top + 510, "结", font="serif", pt=pt)
    summary = (
        f"2023年，本人在{app.unit}心血管内科党支部和科室领导的带领下，认真学习业务知识，"
        "严格执行各项医疗核心制度，全年完成门诊3286人次，管理住院患者612人次，参与冠脉介入"
        "手术148台，参加院内外会诊56次。积极参加继续医学教育，取得Ⅰ类学分12分、Ⅱ类学分18分。"
        "认真完成进修生和规培医师带教任务，全年无医疗差错、无投诉。今后将继续加强学习，不断"
        "提高诊疗水平，更好地为各族患者服务。"
    )
    page.paragraph(xs[1] + 30, top + 40, xs[5] - xs[1] - 60, summary, font="serif", pt=pt,
                   indent_chars=2, leading=1.8)
    page.text(xs[5] - 40, bottom - 40, f"本人签名：{app.name}    2024年1月10日", font="serif",
              pt=pt, align="right")
    # assessment
    top2 = bottom
    bottom2 = top2 + 380
    page.rect(xs[0], top2, xs[5], bottom2, 2.5)
    page.line(xs[1], top2, xs[1], bottom2, 2.5)
    page.text(xs[0] + 24, top2 + 170, "主管领导", font="serif", pt=pt)
    page.text(xs[0] + 24, top2 + 240, "评语", font="serif", pt=pt)
    page.paragraph(xs[1] + 30, top2 + 40, xs[5] - xs[1] - 60,
                   "该同志工作认真负责，业务能力强，服务态度好，较好地完成了年度各项工作任务。",
                   font="serif", pt=pt, indent_chars=2)
    page.text(xs[5] - 40, bottom2 - 40, "签名：周文斌    2024年1月15日", font="serif", pt=pt,
              align="right")
    top3 = bottom2
    page.rect(xs[0], top3, xs[5], top3 + 140, 2.5)
    page.line(xs[1], top3, xs[1], top3 + 140, 2.5)
    page.text(xs[0] + 24, top3 + 88, "考核等次", font="serif", pt=pt)
    page.text(xs[1] + 30, top3 + 88, "优  秀", font="serif", pt=pt)
    page.text(xs[3], top3 + 88, "单位（盖章）  2024年1月20日", font="serif", pt=pt)
    page.seal(xs[3] + 190, top3 + 70, 150, app.unit)
    return page


def public_notice(app: Applicant) -> VectorDoc:
    """公示: the unit's public notice listing several candidates (vector, Noto Sans)."""
    doc = VectorDoc(title="推荐人选公示")
    page = doc.add_page(app.marks())
    page.text(A4_PX[0] / 2, 330, app.unit, font="sans", pt=18, align="center")
    page.text(A4_PX[0] / 2, 420, "关于2024年度卫生系列高级专业技术资格推荐人选的公示",
              font="sans", pt=16, align="center")
    y = page.paragraph(190, 490, 1274, (
        "经个人申报、科室推荐、医院职称评审推荐小组评议，拟推荐以下同志参加2024年度卫生系列"
        "高级专业技术资格评审，现予以公示："), font="sans", pt=13, indent_chars=2)
    xs = [190, 330, 640, 1000, 1464]
    ys = [y + 40 + 92 * k for k in range(6)]
    page.grid(xs, ys, 2)
    rows = [["序号", "姓名", "科室", "申报资格"],
            ["1", app.name, "普通外科", "副主任医师"],
            ["2", "赵婧", "儿科", "副主任医师"],
            ["3", "陈旸", "医学检验科", "副主任技师"],
            ["4", "艾尔肯·吐尔逊", "骨科", "副主任医师"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            page.text((xs[c] + xs[c + 1]) / 2, ys[r] + 60, value, font="sans", pt=12,
                      align="center")
    y = page.paragraph(190, ys[-1] + 50, 1274, (
        "公示期为2024年6月3日至6月9日（5个工作日）。公示期间，如对上述人员的申报材料及推荐"
        "程序有异议，请以书面形式向医院纪检监察室反映，并署真实姓名。联系电话：0996-2012345。"),
        font="sans", pt=13, indent_chars=2)
    y = page.paragraph(190, y + 20, 1274, (
        "特此公示。医院职称评审推荐小组组长刘堃同志负责受理异议。"), font="sans", pt=13,
        indent_chars=2)
    page.text(1464, y + 250, app.unit, font="sans", pt=13, align="right")
    page.text(1464 - 50, y + 340, "2024年6月3日", font="sans", pt=13, align="right")
    return doc


def cme_certificate(app: Applicant, face: FacePhoto) -> RasterPage:
    """继续医学教育合格证书: landscape colour certificate with a 56-px photo."""
    w, h = A4_PX[1], A4_PX[0]
    page = RasterPage(w, h, marks=app.marks(), paper=(251, 247, 236))
    red = (150, 40, 30)
    page.rect(60, 60, w - 60, h - 60, 10, red)
    page.rect(90, 90, w - 90, h - 90, 3, red)
    page.text(w / 2, 330, "继续医学教育合格证书", font="serif", pt=34, color=red, align="center")
    # small photo with a frame
    box = page.photo(face, 200, 180, 56)
    page.rect(box[0] - 6, box[1] - 6, box[2] + 6, box[3] + 6, 2, (120, 120, 120))
    page.text(400, 540, f"{app.name} 同志：", font="serif", pt=16)
    page.text(400, 640, f"工作单位：{app.unit}", font="serif", pt=16)
    page.paragraph(400, 700, w - 800, (
        "你于2023年9月12日至9月15日参加“基层医院普通外科微创技术新进展”国家级继续医学教育项目"
        "（项目编号：2023-04-01-123（国）），经考核合格，授予Ⅰ类学分8分。"), font="serif", pt=16,
        indent_chars=2, leading=1.9)
    page.text(500, 1060, "特发此证。", font="serif", pt=16)
    page.text(300, 1300, "证书编号：BZ-CME-2023-04817", font="sans", pt=11, color=(70, 70, 70))
    page.text(w - 400, 1230, "巴音郭楞蒙古自治州继续医学教育委员会", font="serif", pt=16,
              align="right")
    page.text(w - 600, 1320, "2023年9月15日", font="serif", pt=16, align="right")
    return page


def title_certificate(app: Applicant, face: FacePhoto) -> RasterPage:
    """专业技术资格证书 inner page, photocopied in colour with a photo."""
    page = RasterPage(marks=app.marks())
    x0, y0, x1, y1 = 200, 360, 1454, 1560
    page.rect(x0, y0, x1, y1, 4, (110, 70, 40))
    page.text((x0 + x1) / 2, y0 + 130, "专业技术资格证书", font="serif", pt=24,
              color=(110, 70, 40), align="center")
    page.photo(face, x0 + 110, y0 + 230, 200)
    rows = [("姓    名", app.name), ("性    别", "男"), ("出生年月", "1979年11月"),
            ("工作单位", app.unit), ("专业名称", "普通外科"), ("资格名称", "主治医师"),
            ("评审时间", "2012年5月"), ("管 理 号", "6528012012050173")]
    for i, (label, value) in enumerate(rows):
        y = y0 + 290 + i * 92
        page.text(x0 + 400, y, label, font="serif", pt=13, color=(90, 90, 90))
        page.text(x0 + 620, y, value, font="serif", pt=13, color=INK)
    page.text((x0 + x1) / 2, y1 - 150, "新疆维吾尔自治区人力资源和社会保障厅", font="serif",
              pt=13, align="center")
    page.text((x0 + x1) / 2, y1 - 80, "二〇一二年七月制", font="serif", pt=12, align="center")
    # The issuer's seal identifies the authority, not the applicant: it stays visible.
    page.seal((x0 + x1) / 2 + 200, y1 - 190, 165, "新疆维吾尔自治区人力资源和社会保障厅",
              kind="authority_seal")
    return page


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


def write_roster(path: Path):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["folder", "name", "unit", "aliases", "archive_no"])
        for app in APPLICANTS:
            writer.writerow([app.folder, app.name, app.unit, "|".join(app.aliases), app.archive_no])


def build(out_dir: Path, preview: Path | None):
    require_fonts()
    face = load_face()
    face_gray = FacePhoto(face.image.convert("L").convert("RGB"), face.eyes)
    intake = out_dir / "intake"
    if intake.exists():
        shutil.rmtree(intake)
    intake.mkdir(parents=True)
    truth = TruthWriter(intake)
    previews: list[tuple[str, Image.Image, list[Region]]] = []

    a1, a2, a3 = APPLICANTS

    # --- applicant 1: ID card copy (JPEG), pledge (PDF), workload (PNG) ---
    d1 = intake / a1.folder
    page = id_card_copy(a1, face, "652828198603120023",
                        ["新疆焉耆回族自治县永宁", "镇团结路18号3栋2单元", "402室"],
                        "1986 年 3 月 12 日", "女", "维吾尔", "焉耆回族自治县公安局",
                        "2016.05.10-2036.05.10")
    img, regions = scan(page, seed=101, angle=1.2, blur=0.9, noise=4.0, paper=238, shading=12)
    path = d1 / f"{a1.name}-身份证正面.jpg"
    save_jpeg(img, path, quality=78)
    truth.add_image(path, "jpeg", img.width, img.height, regions, "id_card_copy")
    previews.append((path.name, img, regions))

    doc = pledge(a1, "652828198603120023", "卫生系列中级专业技术资格（妇产科主治医师）")
    path = d1 / "个人承诺书.pdf"
    doc.save(path)
    truth.add_pdf(path, doc, "pledge")

    page = workload_table(np.random.default_rng(102))
    img = page.image.filter(ImageFilter.GaussianBlur(0.5))
    path = d1 / "2023年度工作量统计表.png"
    save_png(img, path)
    truth.add_image(path, "png", img.width, img.height, page.regions, "workload_table")
    previews.append((path.name, img, page.regions))

    # --- applicant 2: recommendation (2-page PDF), assessment (grey TIFF) ---
    d2 = intake / a2.folder
    doc = recommendation(a2)
    path = d2 / "单位推荐意见.pdf"
    doc.save(path)
    truth.add_pdf(path, doc, "recommendation")

    page = annual_assessment(a2, face_gray)
    img, regions = scan(page, seed=201, angle=-0.8, blur=0.7, noise=0.0, paper=240,
                        shading=8, gray=True)
    # a light posterisation keeps the deflated TIFF small, like scanner
    # "text" modes do
    img = img.point(lambda v: min(255, (v // 4) * 4 + 2))
    path = d2 / f"{a2.name}-2023年度考核登记表.tif"
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, "TIFF", compression="tiff_adobe_deflate", dpi=(DPI, DPI))
    truth.add_image(path, "tiff", img.width, img.height, regions, "annual_assessment")
    previews.append((path.name, img, regions))

    # --- applicant 3: notice (PDF), certificate (PNG, nested), title cert (JPEG) ---
    d3 = intake / a3.folder
    doc = public_notice(a3)
    path = d3 / "推荐人选公示.pdf"
    doc.save(path)
    truth.add_pdf(path, doc, "public_notice")

    page = cme_certificate(a3, face)
    img = page.image.filter(ImageFilter.GaussianBlur(0.6))
    path = d3 / "继续教育" / f"{a3.name} 继续教育合格证书.png"
    save_png(img, path)
    truth.add_image(path, "png", img.width, img.height, page.regions, "cme_certificate")
    previews.append((path.name, img, page.regions))

    page = title_certificate(a3, face)
    img, regions = scan(page, seed=301, angle=-1.4, blur=1.0, noise=3.5, paper=244, shading=14)
    path = d3 / f"{a3.name}_主治医师资格证书.jpg"
    save_jpeg(img, path, quality=80)
    truth.add_image(path, "jpeg", img.width, img.height, regions, "title_certificate")
    previews.append((path.name, img, regions))

    write_roster(out_dir / "roster.csv")
    truth_doc = {
        "pdf_dpi": DPI,
        "generator": "scripts/make_samples.py",
        "eye_box": "0.4 IOD beyond each eye along the eye line, ±0.25 IOD across it",
        "applicants": [
            {"folder": a.folder, "name": a.name, "unit": a.unit, "aliases": a.aliases}
            for a in APPLICANTS
        ],
        "files": sorted(truth.files, key=lambda f: f["source"]),
    }
    (out_dir / "truth.json").write_text(
        json.dumps(truth_doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    if preview:
        write_previews(preview, previews, intake, truth_doc)


KIND_COLORS = {"name": (230, 0, 0), "unit": (0, 90, 230), "eyes": (0, 170, 0),
               "other_name": (230, 140, 0)}


def draw_truth(img: Image.Image, regions: list[dict]) -> Image.Image:
    """A copy of ``img`` with truth polygons and boxes outlined by kind."""
    out = img.convert("RGB")
    d = ImageDraw.Draw(out)
    for r in regions:
        color = KIND_COLORS.get(r["kind"], (200, 0, 200))
        d.rectangle(r["bbox"], outline=color, width=2)
        d.polygon([tuple(p) for p in r["poly"]], outline=color)
    return out


def write_previews(folder: Path, previews, intake: Path, truth_doc: dict):
    """Write PNGs of pages with truth drawn, for looking at."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, img, regions in previews:
        w, h = img.size
        out = draw_truth(img, [r.to_json(w, h) for r in regions])
        out.save(folder / (Path(name).stem + ".png"))
    try:
        import pypdfium2  # optional; not in requirements.txt
    except ImportError:
        print("pypdfium2 not importable: PDF previews skipped", file=sys.stderr)
        return
    for f in truth_doc["files"]:
        if f["type"] != "pdf":
            continue
        pdf = pypdfium2.PdfDocument(str(intake / f["source"]))
        for p in f["pages"]:
            bitmap = pdf[p["page"] - 1].render(scale=DPI / 72.0)
            img = bitmap.to_pil()
            out = draw_truth(img, p["regions"])
            out.save(folder / f"{Path(f['source']).stem}-p{p['page']}.png")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "samples",
                        help="output folder (default: samples/ in the repository)")
    parser.add_argument("--preview", type=Path, default=None,
                        help="also write PNG previews with the truth drawn into this folder")
    args = parser.parse_args(argv)
    build(args.out, args.preview)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"wrote {args.out} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
