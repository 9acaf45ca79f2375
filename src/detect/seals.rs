//! Round seals (公章) on a page: red rings found by their colour, dark rings by their shape (a
//! greyscale scan or photocopy keeps the seal's outline but loses its red), and the text along
//! the ring unwrapped into a straight strip for the recognizer.
//!
//! Both searches run on the page shrunk to about [`WORKING_SIDE`] pixels across: seals are large.

use image::{GrayImage, Luma, RgbImage};
use imageproc::region_labelling::{connected_components, Connectivity};

use super::ocr::Ocr;
use super::TextLine;
use crate::base::pixels::{is_coloured, luminance, FAINT_INK};
use crate::error::Result;
use crate::geometry::Rect;

/// The page is examined shrunk so that its shorter side is about this many pixels.
const WORKING_SIDE: u32 = 400;
/// Smallest seal diameter, as a fraction of the page's shorter side (a 3 cm seal on A4 is 0.14).
const MIN_DIAMETER: f32 = 0.06;
/// Largest seal diameter, as a fraction of the page's shorter side (a 4.5 cm seal on A4 is 0.21).
const MAX_DIAMETER: f32 = 0.24;
/// Share of coloured pixels above which a page counts as a colour scan.
const COLOURED_SHARE: f64 = 0.002;
/// Angles sampled round a ring.
const ANGLES: usize = 90;
/// The darkest paper a page is white-balanced for (darker is a dark photo, not a tinted paper).
const PAPER_FLOOR: u8 = 96;

/// A seal found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Seal {
    /// The box round the seal's ring, in page pixels.
    pub rect: Rect,
    /// The text along the ring as recognized (often the unit's or an authority's name; may be
    /// empty or garbled when the seal is faint or overprinted).
    pub ring_text: String,
}

/// Where the ring text sits, as fractions of the seal's radius: from just inside the ring's line
/// to the inner edge of the characters.
const RING_TEXT_BAND: (f32, f32) = (0.95, 0.55);
/// The ring text starts at about 8 o'clock and runs clockwise over the top to about 4 o'clock:
/// angles (degrees, y pointing down) at which the unwrapping starts and ends.
const RING_TEXT_ARC: (f32, f32) = (115.0, 425.0);

/// The ring text of a seal unwrapped into a straight strip: characters upright, read left to
/// right, as the recognizer expects a line.
pub fn unwrap_ring_text(page: &RgbImage, seal: &Rect) -> RgbImage {
    let [cx, cy] = seal.center();
    let r = (seal.width() + seal.height()) / 4.0;
    let (outer, inner) = (RING_TEXT_BAND.0 * r, RING_TEXT_BAND.1 * r);
    let (start, end) = (RING_TEXT_ARC.0.to_radians(), RING_TEXT_ARC.1.to_radians());
    let height = (outer - inner).max(8.0);
    let width = ((end - start) * (outer + inner) / 2.0).max(8.0);
    RgbImage::from_fn(width as u32, height as u32, |u, v| {
        let angle = start + (u as f32 + 0.5) / width * (end - start);
        let radius = outer - (v as f32 + 0.5) / height * (outer - inner);
        let rgb = crate::base::pixels::bilinear(
            page,
            cx + radius * angle.cos() - 0.5,
            cy + radius * angle.sin() - 0.5,
        );
        image::Rgb(rgb.map(|c| c.round() as u8))
    })
}

/// The seals of an image cut from a page whose shorter side is `page_side` pixels (seals are
/// as large as on the whole page), with their ring text read. Rings whose text band is blank
/// (an emblem, a drawn circle) are not seals.
pub fn find(page: &RgbImage, page_side: u32, ocr: &mut Ocr) -> Result<Vec<Seal>> {
    let balance = white_balance(paper_colour(page));
    let mut seals = Vec::new();
    for rect in candidates_within(page, page_side, &balance) {
        let mut strip = unwrap_ring_text(page, &rect);
        for p in strip.pixels_mut() {
            p.0 = balanced(&balance, p.0);
        }
        if is_blank(&strip) {
            continue;
        }
        let ring_text = ocr.read_strip(&strip)?;
        seals.push(Seal { rect, ring_text });
    }
    Ok(seals)
}

/// The text lines under red seals, read again with the seal's red made paper: a black signer
/// line or a unit's name under a seal reads poorly through the red. Each seal's surroundings
/// (as wide again on either side, for signer lines wider than the seal) are read; lines with
/// Chinese that the first reading did not give (`read`) are returned, in page pixels.
pub fn lines_under(
    image: &RgbImage,
    seals: &[Seal],
    read: &[TextLine],
    ocr: &mut Ocr,
) -> Result<Vec<TextLine>> {
    if seals.is_empty() {
        return Ok(Vec::new());
    }
    let balance = white_balance(paper_colour(image));
    let mut found: Vec<TextLine> = Vec::new();
    for seal in seals {
        let around = seal
            .rect
            .padded(0.6 * seal.rect.width(), 0.15 * seal.rect.height());
        let [x0, y0, x1, y1] = around.to_pixels(image.width(), image.height());
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        let mut crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
        let mut reddened = 0usize;
        for p in crop.pixels_mut() {
            if is_red(balanced(&balance, p.0)) {
                p.0 = [255, 255, 255];
                reddened += 1;
            }
        }
        if reddened == 0 {
            continue;
        }
        let boxes = ocr.detect(&crop)?;
        let lines = ocr.read_boxes(&crop, &boxes)?;
        let moved = super::Detections {
            lines,
            ..super::Detections::default()
        }
        .moved(x0 as f32, y0 as f32);
        for line in moved.lines {
            let chinese = line.glyphs.iter().any(|g| crate::base::text::is_han(g.ch));
            let (text, bbox) = (line.text(), line.bbox());
            let known = read
                .iter()
                .chain(&found)
                .any(|other| other.text() == text && other.bbox().overlaps(&bbox));
            if chinese && !known {
                found.push(line);
            }
        }
    }
    Ok(found)
}

/// Whether an unwrapped ring band holds (almost) no ink: red or dark pixels under 3 percent of
/// its inner three fifths (the outer rows may catch the ring's own line).
fn is_blank(strip: &RgbImage) -> bool {
    let first_row = strip.height() * 2 / 5;
    let (mut inked, mut total) = (0usize, 0usize);
    for (_, y, p) in strip.enumerate_pixels() {
        if y >= first_row {
            total += 1;
            inked += usize::from(is_red(p.0) || luminance(p.0) < FAINT_INK);
        }
    }
    (inked as f32) < 0.03 * total as f32
}

/// Seals on the page, in page pixels: red rings, or on a colourless page dark rings.
pub fn candidates(page: &RgbImage) -> Vec<Rect> {
    let balance = white_balance(paper_colour(page));
    candidates_within(page, page.width().min(page.height()), &balance)
}

/// Seals on an image cut from a page whose shorter side is `page_side` pixels, searched at the
/// page's working resolution and seal sizes, colours judged through `balance`.
fn candidates_within(image: &RgbImage, page_side: u32, balance: &WhiteBalance) -> Vec<Rect> {
    let step = (page_side / WORKING_SIDE).max(1);
    let short = page_side as f32 / step as f32;
    let (red, ink, has_colour) = shrunk_masks(image, step, balance);
    let regions = red_regions(&red);
    let mut seals = red_rings(&red, &regions, short);
    for ring in rings_in_unexplained_red(&red, &regions, &seals, short) {
        if !seals.iter().any(|s| s.holds_centre_of(&ring)) {
            seals.push(ring);
        }
    }
    // A page that kept its colours shows its seals in red; only colourless scans need the
    // (slower) search by shape.
    if seals.is_empty() && !has_colour {
        seals = hough_rings(&ink, short, &DARK_RING);
    }
    seals.iter().map(|c| c.page_box(step)).collect()
}

/// Rings that red regions of seal size leave unexplained may hold: two seals stamped over each
/// other make one region that is not round, a worn or lightly pressed seal breaks its ring into
/// arcs. Searched by shape, only round those regions.
fn rings_in_unexplained_red(
    red: &GrayImage,
    regions: &[Rect],
    seals: &[Circle],
    short: f32,
) -> Vec<Circle> {
    let min_side = RED_RING.min_diameter / 2.0 * short;
    let Some(area) = regions
        .iter()
        .filter(|b| b.width() >= min_side && b.height() >= min_side)
        .filter(|b| !seals.iter().any(|s| b.contains(s.cx, s.cy)))
        .copied()
        .reduce(|a, b| a.union(&b))
    else {
        return Vec::new();
    };
    let [x0, y0, x1, y1] = area.padded(4.0, 4.0).to_pixels(red.width(), red.height());
    let window = image::imageops::crop_imm(red, x0, y0, x1 - x0, y1 - y0).to_image();
    // A faint ring shrinks to a line one pixel wide, too thin to give a gradient.
    let thick =
        imageproc::morphology::dilate(&window, imageproc::distance_transform::Norm::LInf, 1);
    hough_rings(&thick, short, &RED_RING)
        .into_iter()
        .filter(|c| !is_inscribed(&thick, c))
        .map(|c| Circle {
            cx: c.cx + x0 as f32,
            cy: c.cy + y0 as f32,
            ..c
        })
        .collect()
}

/// Whether a pixel is seal red.
fn is_red(p: [u8; 3]) -> bool {
    let [r, g, b] = p.map(i32::from);
    r > 120 && r - g > 60 && r - b > 50
}

/// The paper's colour: per channel, the level that one in twenty sampled pixels reach. A photo's
/// paper is seldom white, and a blue or yellow cast would hide a seal's red.
fn paper_colour(page: &RgbImage) -> [u8; 3] {
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
type WhiteBalance = [[u8; 256]; 3];

/// The balance that makes `paper` white (paper darker than [`PAPER_FLOOR`] is taken as that).
fn white_balance(paper: [u8; 3]) -> WhiteBalance {
    paper.map(|level| {
        let gain = 255.0 / f32::from(level.max(PAPER_FLOOR));
        std::array::from_fn(|v| (v as f32 * gain).round().min(255.0) as u8)
    })
}

/// A pixel seen through `balance`.
fn balanced(balance: &WhiteBalance, p: [u8; 3]) -> [u8; 3] {
    std::array::from_fn(|c| balance[c][usize::from(p[c])])
}

/// The page shrunk by `step` into two masks, red and ink (a pixel is set when any page pixel of
/// its block is red, or dark, so that thin strokes survive the shrinking), and whether the page
/// has colour at all; colours are judged through `balance`. One pass over the page.
fn shrunk_masks(
    page: &RgbImage,
    step: u32,
    balance: &WhiteBalance,
) -> (GrayImage, GrayImage, bool) {
    let (w, h) = (page.width().div_ceil(step), page.height().div_ceil(step));
    let (mut red, mut ink) = (GrayImage::new(w, h), GrayImage::new(w, h));
    let mut coloured = 0usize;
    let width = w as usize;
    for (y, row) in page.rows().enumerate() {
        let base = (y / step as usize) * width;
        for (x, p) in row.enumerate() {
            let cell = base + x / step as usize;
            let p = balanced(balance, p.0);
            if is_coloured(p) {
                coloured += 1;
                if is_red(p) {
                    red.as_mut()[cell] = 255;
                }
            }
            if luminance(p) < FAINT_INK {
                ink.as_mut()[cell] = 255;
            }
        }
    }
    let has_colour = coloured as f64 > COLOURED_SHARE * f64::from(page.width() * page.height());
    (red, ink, has_colour)
}

/// A circle in shrunk-page pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Circle {
    cx: f32,
    cy: f32,
    r: f32,
}

impl Circle {
    /// The circle's bounding box in page pixels, for a page shrunk by `step`.
    fn page_box(&self, step: u32) -> Rect {
        let s = step as f32;
        Rect::new(
            (self.cx - self.r) * s,
            (self.cy - self.r) * s,
            (self.cx + self.r) * s,
            (self.cy + self.r) * s,
        )
    }

    /// Whether `other`'s centre lies within this circle.
    fn holds_centre_of(&self, other: &Circle) -> bool {
        (self.cx - other.cx).hypot(self.cy - other.cy) < self.r
    }

    /// The fraction of angles at which `mask` is set somewhere between the radii `r0..=r1`.
    fn coverage(&self, mask: &GrayImage, r0: f32, r1: f32) -> f32 {
        let hits = (0..ANGLES).filter(|&k| self.meets(mask, k, r0, r1)).count();
        hits as f32 / ANGLES as f32
    }

    /// Whether `mask` is set somewhere between the radii `r0..=r1` at the `k`-th of [`ANGLES`]
    /// angles.
    fn meets(&self, mask: &GrayImage, k: usize, r0: f32, r1: f32) -> bool {
        let t = k as f32 * std::f32::consts::TAU / ANGLES as f32;
        let mut r = r0;
        while r <= r1 {
            if is_set(mask, self.cx + r * t.cos(), self.cy + r * t.sin()) {
                return true;
            }
            r += 0.5;
        }
        false
    }
}

fn is_set(mask: &GrayImage, x: f32, y: f32) -> bool {
    let (x, y) = (x.round() as i64, y.round() as i64);
    x >= 0
        && y >= 0
        && (x as u32) < mask.width()
        && (y as u32) < mask.height()
        && mask.get_pixel(x as u32, y as u32).0[0] > 0
}

/// Whether `circle` sits inside a longer ring: red on both opposite sides just beyond it, as an
/// oval seal (an invoice's, a tax authority's) leaves round a circle inscribed in it. A second
/// seal stamped over a round one lies on one side only.
fn is_inscribed(mask: &GrayImage, circle: &Circle) -> bool {
    let half = ANGLES / 2;
    let beyond = |k: usize| circle.meets(mask, k, 1.15 * circle.r + 1.0, 1.7 * circle.r);
    let both_sides = (0..half).filter(|&k| beyond(k) && beyond(k + half)).count();
    both_sides as f32 >= 0.15 * half as f32
}

/// The boxes of the connected red regions (small gaps closed).
fn red_regions(red: &GrayImage) -> Vec<Rect> {
    let closed = imageproc::morphology::close(red, imageproc::distance_transform::Norm::LInf, 2);
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

/// Red rings: the red regions (`regions`, boxes in `red`) of seal size, for a page whose
/// shorter side is `short` shrunk pixels, that are round and hollow.
fn red_rings(red: &GrayImage, regions: &[Rect], short: f32) -> Vec<Circle> {
    let min_side = MIN_DIAMETER * short;
    regions
        .iter()
        .filter(|b| b.width() >= min_side && b.height() >= min_side)
        .filter(|b| (0.75..1.33).contains(&(b.width() / b.height())))
        .filter(|b| is_hollow_ring(red, b))
        .map(|b| {
            let [cx, cy] = b.center();
            let circle = Circle {
                cx,
                cy,
                r: (b.width() + b.height()) / 4.0,
            };
            outer_edge(red, circle, 0.85)
        })
        .collect()
}

/// A seal has red all round its rim and is mostly paper inside (not a solid red blob).
fn is_hollow_ring(red: &GrayImage, b: &Rect) -> bool {
    let [cx, cy] = b.center();
    let circle = Circle {
        cx,
        cy,
        r: (b.width() + b.height()) / 4.0,
    };
    let rim = circle.coverage(red, 0.85 * circle.r, circle.r);
    let mut inside = 0;
    let mut total = 0;
    for y in b.y0 as u32..b.y1 as u32 {
        for x in b.x0 as u32..b.x1 as u32 {
            let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
            if dx * dx + dy * dy <= (0.8 * circle.r).powi(2) {
                total += 1;
                inside += usize::from(red.get_pixel(x, y).0[0] > 0);
            }
        }
    }
    rim >= 0.7 && (inside as f32) < 0.6 * total.max(1) as f32
}

/// How large and whole a ring of `mask` must be to count as a seal's.
struct RingTest {
    /// The smallest diameter, as a fraction of the page's shorter side.
    min_diameter: f32,
    /// The Hough votes a centre needs, per pixel of radius (a whole sharp ring gives about 2π
    /// from each edge of its line).
    votes: f32,
    /// The share of angles at which the ring's line must be there.
    rim: f32,
    /// The largest share of angles at which a circle just outside the ring may meet ink.
    outside: f32,
}

/// A dark outline must be whole and stand free: circles of other ink (tables, text) are common.
const DARK_RING: RingTest = RingTest {
    min_diameter: MIN_DIAMETER,
    votes: 1.2 * std::f32::consts::PI,
    rim: 0.85,
    outside: 0.35,
};
/// A worn or lightly pressed seal breaks its ring and thins its line; a second seal may be
/// stamped over it. Red characters of a letterhead can hold a small circle of red: such rings
/// are looked for from the size of a small seal on a full page up.
const RED_RING: RingTest = RingTest {
    min_diameter: 0.1,
    votes: 0.6 * std::f32::consts::PI,
    rim: 0.7,
    outside: 0.35,
};

/// Rings of seal size in `mask`: circles found by letting the mask's edges vote for centres
/// along their gradient (a Hough transform), kept when they pass `test`. Seal sizes are those of
/// a page whose shorter side is `short` pixels.
fn hough_rings(mask: &GrayImage, short: f32, test: &RingTest) -> Vec<Circle> {
    let (w, h) = mask.dimensions();
    let (r_min, r_max) = (
        (test.min_diameter * short / 2.0).floor().max(4.0) as usize,
        (MAX_DIAMETER * short / 2.0).ceil() as usize,
    );
    if r_max <= r_min {
        return Vec::new();
    }
    // Smoothing first makes the gradient point straight across the ring's line.
    let smooth = imageproc::filter::gaussian_blur_f32(mask, 1.5);
    let gx = imageproc::gradients::horizontal_sobel(&smooth);
    let gy = imageproc::gradients::vertical_sobel(&smooth);
    let radii = r_max - r_min + 1;
    let (wu, hu) = (w as usize, h as usize);
    let mut votes = vec![0u16; radii * wu * hu];
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (
                f32::from(gx.get_pixel(x, y).0[0]),
                f32::from(gy.get_pixel(x, y).0[0]),
            );
            let norm = (dx * dx + dy * dy).sqrt();
            if norm < 128.0 {
                continue;
            }
            let (ux, uy) = (dx / norm, dy / norm);
            for k in 0..radii {
                let r = (r_min + k) as f32;
                for sign in [-1.0, 1.0] {
                    let (cx, cy) = (
                        (x as f32 + sign * r * ux).round(),
                        (y as f32 + sign * r * uy).round(),
                    );
                    if cx >= 0.0 && cy >= 0.0 && (cx as usize) < wu && (cy as usize) < hu {
                        let cell = &mut votes[(k * hu + cy as usize) * wu + cx as usize];
                        *cell = cell.saturating_add(1);
                    }
                }
            }
        }
    }
    // Peaks: cells with votes from a good part of a full circle, strongest first.
    let mut peaks: Vec<(u32, Circle)> = Vec::new();
    for k in 0..radii {
        let r = (r_min + k) as f32;
        let needed = (test.votes * r) as u32;
        for y in 1..hu - 1 {
            for x in 1..wu - 1 {
                // A circle's votes spread over the 3 x 3 cells round its centre.
                if u32::from(votes[(k * hu + y) * wu + x]) * 6 < needed {
                    continue;
                }
                let sum: u32 = (y - 1..=y + 1)
                    .flat_map(|yy| (x - 1..=x + 1).map(move |xx| (yy, xx)))
                    .map(|(yy, xx)| u32::from(votes[(k * hu + yy) * wu + xx]))
                    .sum();
                if sum >= needed {
                    let circle = Circle {
                        cx: x as f32,
                        cy: y as f32,
                        r,
                    };
                    peaks.push((sum * 100 / needed, circle));
                }
            }
        }
    }
    peaks.sort_by_key(|p| std::cmp::Reverse(p.0));
    let mut rings: Vec<Circle> = Vec::new();
    for (_, circle) in peaks {
        let taken = rings
            .iter()
            .any(|c| (c.cx - circle.cx).hypot(c.cy - circle.cy) < c.r.max(circle.r));
        if !taken && is_outlined_ring(mask, &circle, test) {
            rings.push(outer_edge(mask, circle, test.rim));
        }
    }
    rings
}

/// The circle moved onto the outer edge of its ring's line: Hough votes may come from the
/// line's inner edge, and a box found by colour is a little too large after shrinking. The edge
/// is where the line is there at a `rim` share of the angles.
fn outer_edge(mask: &GrayImage, circle: Circle, rim: f32) -> Circle {
    let mut r = circle.r + 4.0;
    while r > circle.r - 4.0 && circle.coverage(mask, r - 1.0, r) < rim {
        r -= 0.5;
    }
    Circle {
        r: r + 0.5,
        ..circle
    }
}

/// A seal's outline: `mask` round the circle, mostly paper just outside it.
fn is_outlined_ring(mask: &GrayImage, circle: &Circle, test: &RingTest) -> bool {
    let r = circle.r;
    circle.coverage(mask, r - 1.5, r + 1.5) >= test.rim
        && circle.coverage(mask, 1.15 * r + 1.0, 1.15 * r + 2.0) <= test.outside
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const PAPER: [u8; 3] = [250, 250, 245];

    /// A page with a seal: a ring of `colour` with a hatched middle standing for its text.
    fn page_with_ring(cx: f32, cy: f32, r: f32, colour: [u8; 3]) -> RgbImage {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb(PAPER));
        stamp(&mut page, cx, cy, r, colour, |_| true);
        page
    }

    /// Stamps a seal onto `page`: its ring where `ring_at(angle in degrees)` holds, its hatched
    /// middle everywhere.
    fn stamp(
        page: &mut RgbImage,
        cx: f32,
        cy: f32,
        r: f32,
        colour: [u8; 3],
        ring_at: impl Fn(f32) -> bool,
    ) {
        for (x, y, p) in page.enumerate_pixels_mut() {
            let (dx, dy) = (x as f32 - cx, y as f32 - cy);
            let d = dx.hypot(dy);
            let on_ring = (r - 8.0..=r).contains(&d) && ring_at(dy.atan2(dx).to_degrees());
            if on_ring || (d < 0.6 * r && (x / 6 + y / 9) % 5 == 0) {
                *p = image::Rgb(colour);
            }
        }
    }

    const SEAL_RED: [u8; 3] = [220, 40, 40];
    const SEAL_GREY: [u8; 3] = [120, 120, 120];

    fn assert_found_at(seals: &[Rect], cx: f32, cy: f32, r: f32) {
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = seals[0];
        assert!(
            (s.center()[0] - cx).abs() < 10.0 && (s.center()[1] - cy).abs() < 10.0,
            "{s:?}"
        );
        assert!((s.width() - 2.0 * r).abs() < 20.0, "{s:?}");
    }

    #[test]
    fn red_ring_is_found_where_it_is() {
        let seals = candidates(&page_with_ring(600.0, 800.0, 150.0, SEAL_RED));
        assert_found_at(&seals, 600.0, 800.0, 150.0);
    }

    #[test]
    fn grey_ring_of_a_greyscale_scan_is_found_where_it_is() {
        let seals = candidates(&page_with_ring(500.0, 900.0, 130.0, SEAL_GREY));
        assert_found_at(&seals, 500.0, 900.0, 130.0);
    }

    #[test]
    fn two_red_seals_stamped_over_each_other_are_both_found() {
        let mut page = page_with_ring(450.0, 800.0, 150.0, SEAL_RED);
        stamp(&mut page, 680.0, 820.0, 150.0, SEAL_RED, |_| true);
        let mut seals = candidates(&page);
        seals.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        assert_eq!(seals.len(), 2, "{seals:?}");
        assert_found_at(&seals[..1], 450.0, 800.0, 150.0);
        assert_found_at(&seals[1..], 680.0, 820.0, 150.0);
    }

    #[test]
    fn a_worn_seal_with_a_broken_ring_is_found() {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb(PAPER));
        // A quarter of the ring missing, in three gaps.
        let gap = |a: f32| (10.0..40.0).contains(&a) || (100.0..130.0).contains(&a) || a < -150.0;
        stamp(&mut page, 600.0, 800.0, 150.0, SEAL_RED, |a| !gap(a));
        assert_found_at(&candidates(&page), 600.0, 800.0, 150.0);
    }

    #[test]
    fn a_faint_seal_on_a_photo_with_a_blue_cast_is_found() {
        // Paper photographed as light blue, the seal's red as a dull pink (r - g only 50).
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb([214, 228, 249]));
        stamp(&mut page, 600.0, 800.0, 150.0, [190, 140, 165], |_| true);
        assert_found_at(&candidates(&page), 600.0, 800.0, 150.0);
    }

    #[test]
    fn white_balance_makes_the_paper_white() {
        let page = RgbImage::from_fn(300, 300, |x, _| {
            image::Rgb(if x < 30 {
                [20, 20, 40]
            } else {
                [200, 220, 240]
            })
        });
        let paper = paper_colour(&page);
        assert_eq!(paper, [200, 220, 240]);
        let balance = white_balance(paper);
        assert_eq!(
            [balance[0][200], balance[1][220], balance[2][240]],
            [255; 3]
        );
        assert_eq!(balance[0][100], 128);
    }

    #[test]
    fn solid_red_blob_is_not_a_seal() {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb([255, 255, 255]));
        for y in 300..600 {
            for x in 300..600 {
                page.put_pixel(x, y, image::Rgb([200, 30, 30]));
            }
        }
        assert!(candidates(&page).is_empty());
    }

    #[test]
    fn lines_of_text_and_a_table_are_not_seals() {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb([255, 255, 255]));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let text = (200..1400).contains(&y) && (y % 60) < 28 && (x / 7 + y / 5) % 3 == 0;
            let table = (x % 300) < 3 || (y % 200) < 3;
            if text || table {
                *p = image::Rgb([20, 20, 20]);
            }
        }
        assert!(candidates(&page).is_empty());
    }

    #[test]
    fn an_empty_ring_band_is_blank_and_a_seal_with_text_is_not() {
        let seal = Rect::new(450.0, 650.0, 750.0, 950.0);
        // A ring with a small star in the middle and nothing along the rim.
        let mut emblem = page_with_ring(600.0, 800.0, 150.0, SEAL_RED);
        for (x, y, p) in emblem.enumerate_pixels_mut() {
            let d = ((x as f32 - 600.0).powi(2) + (y as f32 - 800.0).powi(2)).sqrt();
            if (40.0..140.0).contains(&d) {
                *p = image::Rgb([250, 250, 245]);
            }
        }
        assert!(is_blank(&unwrap_ring_text(&emblem, &seal)));
        let mut stamped = emblem.clone();
        for (x, y, p) in stamped.enumerate_pixels_mut() {
            let d = ((x as f32 - 600.0).powi(2) + (y as f32 - 800.0).powi(2)).sqrt();
            if (100.0..130.0).contains(&d) && (x / 7 + y / 7) % 2 == 0 {
                *p = image::Rgb(SEAL_RED);
            }
        }
        assert!(!is_blank(&unwrap_ring_text(&stamped, &seal)));
    }
}
