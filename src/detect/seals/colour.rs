//! Locating seals by colour: the paper white-balanced, stamp inks (red, blue) judged through the
//! balance, regions of one ink of seal size that are round and hollow.

use image::{GrayImage, Luma, RgbImage};
use imageproc::region_labelling::{connected_components, Connectivity};

use super::shape::{is_set, outer_edge, Circle};
use super::{ANGLES, MIN_DIAMETER, PAPER_FLOOR};
use crate::base::pixels::{is_coloured, luminance, FAINT_INK};
use crate::geometry::Rect;

/// The inks seals are stamped in: most are red; hospitals' cashier seals and many business seals
/// are blue or violet; a worn pad or a light press leaves red as pink. Each ink is searched on
/// its own, so that a blue seal stamped over red print (or a red one over a blue form) keeps its
/// ring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum StampInk {
    Red,
    Blue,
    /// Red and pink: searched after [`StampInk::Red`], so that a faint seal is found while a
    /// full red one keeps the ring it has apart from the pink of the print round it.
    FaintRed,
}

impl StampInk {
    pub(super) const ALL: [StampInk; 3] = [StampInk::Red, StampInk::Blue, StampInk::FaintRed];

    /// The ink with its faint shades: a seal's ring found in full red is followed in red and
    /// pink, where it is worn.
    pub(super) fn with_faint_shades(self) -> StampInk {
        match self {
            StampInk::Red | StampInk::FaintRed => StampInk::FaintRed,
            StampInk::Blue => StampInk::Blue,
        }
    }

    /// Whether a (white-balanced) pixel is this ink.
    pub(super) fn holds(self, p: [u8; 3]) -> bool {
        let [r, g, b] = p.map(i32::from);
        match self {
            StampInk::Red => r > 120 && r - g > 60 && r - b > 50,
            StampInk::Blue => b > 110 && b - g > 35 && b - r > 30,
            StampInk::FaintRed => r > 120 && r - g > 40 && r - b > 30,
        }
    }
}

/// Whether a (white-balanced) pixel is a seal's full red or blue ink: what is made paper to read
/// the text under a seal. The pink of [`StampInk::FaintRed`] stays: made paper as well, it cost
/// a unit's signer line under a full red seal its reading.
pub(super) fn is_stamp_ink(p: [u8; 3]) -> bool {
    StampInk::Red.holds(p) || StampInk::Blue.holds(p)
}

/// The paper's colour: per channel, the level that one in twenty sampled pixels reach. A photo's
/// paper is seldom white, and a blue or yellow cast would hide a seal's red.
pub(super) fn paper_colour(page: &RgbImage) -> [u8; 3] {
    let mut histograms = [[0usize; 256]; 3];
    let mut samples = 0;
    for y in (0..page.height()).step_by(3) {
        for x in (0..page.width()).step_by(3) {
            for (c, v) in page.get_pixel(x, y).0.iter().enumerate() {
                histograms[c][usize::from(*v)] += 1;
            }
            samples += 1;
        }
    }
    histograms.map(|histogram| {
        let mut above = 0;
        for level in (0..256).rev() {
            above += histogram[level];
            if above * 20 >= samples {
                return level as u8;
            }
        }
        0
    })
}

/// Per channel, a table of levels that turns the paper's colour into white.
pub(super) type WhiteBalance = [[u8; 256]; 3];

/// The balance that makes `paper` white (paper darker than [`PAPER_FLOOR`] is taken as that).
pub(super) fn white_balance(paper: [u8; 3]) -> WhiteBalance {
    paper.map(|level| {
        let gain = 255.0 / f32::from(level.max(PAPER_FLOOR));
        std::array::from_fn(|v| (v as f32 * gain).round().min(255.0) as u8)
    })
}

/// A pixel seen through `balance`.
pub(super) fn balanced(balance: &WhiteBalance, p: [u8; 3]) -> [u8; 3] {
    std::array::from_fn(|c| balance[c][usize::from(p[c])])
}

/// The page shrunk by `step` into masks: one per stamp ink (in the order of [`StampInk::ALL`])
/// and one of dark ink ([`dark_ink`] of each block's darkest pixel); a pixel is set when any
/// page pixel of its block is that ink, so that thin strokes survive the shrinking. Colours are
/// judged through `balance`. One pass over the page.
pub(super) fn shrunk_masks(
    page: &RgbImage,
    step: u32,
    balance: &WhiteBalance,
) -> ([GrayImage; StampInk::ALL.len()], GrayImage) {
    let (w, h) = (page.width().div_ceil(step), page.height().div_ceil(step));
    let mut stamps = StampInk::ALL.map(|_| GrayImage::new(w, h));
    let mut darkest = GrayImage::from_pixel(w, h, Luma([255]));
    let width = w as usize;
    for (y, row) in page.rows().enumerate() {
        let base = (y / step as usize) * width;
        for (x, p) in row.enumerate() {
            let cell = base + x / step as usize;
            let p = balanced(balance, p.0);
            if is_coloured(p) {
                for (mask, stamp) in stamps.iter_mut().zip(StampInk::ALL) {
                    if stamp.holds(p) {
                        mask.as_mut()[cell] = 255;
                    }
                }
            }
            let level = &mut darkest.as_mut()[cell];
            *level = (*level).min(luminance(p));
        }
    }
    (stamps, dark_ink(&darkest))
}

/// Darker than the paper round it by this much, a mask pixel is ink.
const INK_CONTRAST: i32 = 24;
/// The radius, in mask pixels, of the neighbourhood an ink pixel is compared with.
const NEIGHBOURHOOD: u32 = 8;

/// The ink of a shrunk page's darkest levels: dark, and darker than its neighbourhood. A shadow
/// across a photographed page is dark but no darker than round it, and is not ink.
fn dark_ink(darkest: &GrayImage) -> GrayImage {
    let local = imageproc::contrast::adaptive_threshold(darkest, NEIGHBOURHOOD, INK_CONTRAST);
    let mut ink = GrayImage::new(darkest.width(), darkest.height());
    for ((out, level), paper) in ink.pixels_mut().zip(darkest.pixels()).zip(local.pixels()) {
        if level.0[0] < FAINT_INK && paper.0[0] == 0 {
            out.0[0] = 255;
        }
    }
    ink
}

/// The boxes of the connected regions of a stamp ink's mask (small gaps closed).
pub(super) fn ink_regions(mask: &GrayImage) -> Vec<Rect> {
    let closed = imageproc::morphology::close(mask, imageproc::distance_transform::Norm::LInf, 2);
    let labels = connected_components(&closed, Connectivity::Eight, Luma([0u8]));
    let mut boxes: Vec<Rect> = Vec::new();
    for (x, y, l) in labels.enumerate_pixels() {
        let id = l.0[0] as usize;
        if id == 0 {
            continue;
        }
        if boxes.len() < id {
            boxes.resize(id, Rect::new(f32::MAX, f32::MAX, f32::MIN, f32::MIN));
        }
        let b = &mut boxes[id - 1];
        *b = Rect::new(
            b.x0.min(x as f32),
            b.y0.min(y as f32),
            b.x1.max(x as f32 + 1.0),
            b.y1.max(y as f32 + 1.0),
        );
    }
    boxes
}

/// Rings of one ink: the regions (`regions`, boxes in `mask`) of seal size, for a page whose
/// shorter side is `short` shrunk pixels, that are round and hollow.
pub(super) fn ink_rings(mask: &GrayImage, regions: &[Rect], short: f32) -> Vec<Circle> {
    seal_sized(regions, short, ROUND)
        .filter(|b| is_hollow(mask, b))
        .map(|b| {
            let [cx, cy] = b.center();
            let circle = Circle {
                cx,
                cy,
                r: (b.width() + b.height()) / 4.0,
            };
            outer_edge(mask, circle, 0.85)
        })
        .collect()
}

/// Oval seals of one ink: the regions of seal size that are longer one way than a round seal
/// and hollow as the ellipse filling their box (a hospital's cashier seal, a finance bureau's
/// 监制 seal printed on every receipt, an invoice's seal), as boxes in `mask`; regions cut by the
/// page's edge are left out.
pub(super) fn ink_ovals(mask: &GrayImage, regions: &[Rect], short: f32) -> Vec<Rect> {
    let (w, h) = (mask.width() as f32, mask.height() as f32);
    seal_sized(regions, short, OVAL)
        .filter(|b| !ROUND.contains(&(b.width() / b.height())))
        // A round mark cut by the page's edge is not an oval.
        .filter(|b| b.x0 > 0.0 && b.y0 > 0.0 && b.x1 < w && b.y1 < h)
        .filter(|b| is_hollow(mask, b))
        .copied()
        .collect()
}

/// Widths over heights of round seals' regions.
const ROUND: std::ops::Range<f32> = 0.75..1.33;
/// Widths over heights of oval seals' regions (a 监制 seal is about 1.8 times as wide as high).
const OVAL: std::ops::Range<f32> = 0.5..2.0;

/// The regions of seal size whose width over height lies in `shapes`.
fn seal_sized(
    regions: &[Rect],
    short: f32,
    shapes: std::ops::Range<f32>,
) -> impl Iterator<Item = &Rect> {
    let min_side = MIN_DIAMETER * short;
    regions
        .iter()
        .filter(move |b| b.width() >= min_side && b.height() >= min_side)
        .filter(move |b| shapes.contains(&(b.width() / b.height())))
}

/// A seal has its ink all round its rim and is mostly paper inside (not a solid blob): the
/// ellipse filling box `b` of `mask`. Its box's corners lie outside the ring: a rectangular
/// stamp (与原件核对无误, 已收费) has its outline there, and is not a seal.
fn is_hollow(mask: &GrayImage, b: &Rect) -> bool {
    !is_framed(mask, b) && is_ring(mask, b)
}

/// Whether ink fills a good part of three or four of box `b`'s corners, as a rectangle's
/// outline does (a round or oval ring keeps a seventh of the box's width and height from each).
fn is_framed(mask: &GrayImage, b: &Rect) -> bool {
    let (cw, ch) = (CORNER * b.width(), CORNER * b.height());
    let corners = [
        Rect::new(b.x0, b.y0, b.x0 + cw, b.y0 + ch),
        Rect::new(b.x1 - cw, b.y0, b.x1, b.y0 + ch),
        Rect::new(b.x0, b.y1 - ch, b.x0 + cw, b.y1),
        Rect::new(b.x1 - cw, b.y1 - ch, b.x1, b.y1),
    ];
    let inked = corners
        .iter()
        .filter(|c| {
            let [x0, y0, x1, y1] = c.to_pixels(mask.width(), mask.height());
            let all = ((x1 - x0) * (y1 - y0)).max(1);
            let set = (y0..y1)
                .flat_map(|y| (x0..x1).map(move |x| (x, y)))
                .filter(|&(x, y)| mask.get_pixel(x, y).0[0] > 0)
                .count();
            set as f32 >= FRAMED_CORNER * all as f32
        })
        .count();
    inked >= 3
}

/// The share of a box's width and height that its corners span, for [`is_framed`].
const CORNER: f32 = 0.1;
/// The share of a corner's pixels that a rectangle's outline sets.
const FRAMED_CORNER: f32 = 0.15;

/// Whether the ellipse filling box `b` of `mask` has ink all round its rim and is mostly paper
/// inside.
fn is_ring(mask: &GrayImage, b: &Rect) -> bool {
    let [cx, cy] = b.center();
    let (rx, ry) = (b.width() / 2.0, b.height() / 2.0);
    let on_rim = (0..ANGLES)
        .filter(|&k| {
            let t = k as f32 * std::f32::consts::TAU / ANGLES as f32;
            (0..=6).any(|i| {
                let s = 0.85 + 0.025 * i as f32;
                is_set(mask, cx + s * rx * t.cos(), cy + s * ry * t.sin())
            })
        })
        .count();
    let mut inside = 0;
    let mut total = 0;
    for y in b.y0.max(0.0) as u32..(b.y1.max(0.0) as u32).min(mask.height()) {
        for x in b.x0.max(0.0) as u32..(b.x1.max(0.0) as u32).min(mask.width()) {
            let (dx, dy) = ((x as f32 + 0.5 - cx) / rx, (y as f32 + 0.5 - cy) / ry);
            if dx * dx + dy * dy <= 0.64 {
                total += 1;
                inside += usize::from(mask.get_pixel(x, y).0[0] > 0);
            }
        }
    }
    on_rim as f32 >= 0.7 * ANGLES as f32 && (inside as f32) < 0.6 * total.max(1) as f32
}
