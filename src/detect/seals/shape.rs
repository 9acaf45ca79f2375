//! Locating seals by shape: rings found by a Hough transform over a mask of ink or of a stamp
//! ink, for greyscale scans that lost the seal's colour, and for seals stamped over each other
//! or worn through; oval rings fitted to the mask.

use image::GrayImage;

use super::{ANGLES, MAX_DIAMETER, MAX_SMALL_DOCUMENT_DIAMETER, MIN_DIAMETER};
use crate::geometry::Rect;

/// A circle in shrunk-page pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Circle {
    pub(super) cx: f32,
    pub(super) cy: f32,
    pub(super) r: f32,
}

impl Circle {
    /// The circle's box.
    pub(super) fn bbox(&self) -> Rect {
        Oval::round(self).bbox()
    }

    /// Whether the point (`x`, `y`) lies within this circle.
    pub(super) fn contains(&self, x: f32, y: f32) -> bool {
        (self.cx - x).hypot(self.cy - y) < self.r
    }

    /// Whether `mask` is set somewhere between the radii `r0..=r1` at the `k`-th of [`ANGLES`]
    /// angles.
    pub(super) fn meets(&self, mask: &GrayImage, k: usize, r0: f32, r1: f32) -> bool {
        meets(mask, [self.cx, self.cy], [0.0, 0.0], k, r0, r1)
    }
}

/// An oval seal's outline in shrunk-page pixels: an ellipse stamped level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Oval {
    pub(super) cx: f32,
    pub(super) cy: f32,
    pub(super) rx: f32,
    pub(super) ry: f32,
}

impl Oval {
    /// The oval filling `rect`.
    pub(super) fn filling(rect: &Rect) -> Oval {
        let [cx, cy] = rect.center();
        Oval {
            cx,
            cy,
            rx: rect.width() / 2.0,
            ry: rect.height() / 2.0,
        }
    }

    /// The circle as an oval.
    fn round(circle: &Circle) -> Oval {
        Oval {
            cx: circle.cx,
            cy: circle.cy,
            rx: circle.r,
            ry: circle.r,
        }
    }

    /// The oval's box.
    pub(super) fn bbox(&self) -> Rect {
        Rect::new(
            self.cx - self.rx,
            self.cy - self.ry,
            self.cx + self.rx,
            self.cy + self.ry,
        )
    }

    /// The fraction of angles at which `mask` is set somewhere between the oval grown by `d0`
    /// and by `d1` pixels.
    fn coverage(&self, mask: &GrayImage, d0: f32, d1: f32) -> f32 {
        let (centre, radii) = ([self.cx, self.cy], [self.rx, self.ry]);
        let hits = (0..ANGLES)
            .filter(|&k| meets(mask, centre, radii, k, d0, d1))
            .count();
        hits as f32 / ANGLES as f32
    }

    /// Whether `mask` holds this oval's outline by `test`: its line round the rim, mostly
    /// paper just outside it.
    fn is_outlined(&self, mask: &GrayImage, test: &RingTest) -> bool {
        let outside = Oval {
            rx: 1.15 * self.rx + 1.0,
            ry: 1.15 * self.ry + 1.0,
            ..*self
        };
        self.coverage(mask, -1.5, 1.5) >= test.rim
            && outside.coverage(mask, 0.0, 1.0) <= test.outside
    }

    /// The oval moved onto the outer edge of its ring's line: Hough votes may come from the
    /// line's inner edge, and a box found by colour is a little too large after shrinking. The
    /// edge is where the line is there at a `rim` share of the angles.
    fn outer_edge(&self, mask: &GrayImage, rim: f32) -> Oval {
        let mut d = 4.0;
        while d > -4.0 && self.coverage(mask, d - 1.0, d) < rim {
            d -= 0.5;
        }
        Oval {
            rx: self.rx + d + 0.5,
            ry: self.ry + d + 0.5,
            ..*self
        }
    }
}

/// Whether `mask` is set at the `k`-th of [`ANGLES`] angles round `centre`, somewhere between
/// the ellipse of `radii` grown by `d0` and by `d1` pixels.
fn meets(
    mask: &GrayImage,
    [cx, cy]: [f32; 2],
    [rx, ry]: [f32; 2],
    k: usize,
    d0: f32,
    d1: f32,
) -> bool {
    let t = k as f32 * std::f32::consts::TAU / ANGLES as f32;
    let mut d = d0;
    while d <= d1 {
        if is_set(mask, cx + (rx + d) * t.cos(), cy + (ry + d) * t.sin()) {
            return true;
        }
        d += 0.5;
    }
    false
}

/// The oval outline of `mask` near `rough` (a box found on a coarser mask): the one whose line
/// `mask` holds best with its centre within [`OVAL_FIT_SHIFT`] pixels and each radius within
/// [`OVAL_FIT_SCALE`] of `rough`'s, when it passes `test`. Real rims are not quite ellipses:
/// on the coarse mask many shapes pass that are rows of print between ruled lines.
pub(super) fn fitted_oval(mask: &GrayImage, rough: &Rect, test: &RingTest) -> Option<Oval> {
    let rough = Oval::filling(rough);
    let shifts = (-OVAL_FIT_SHIFT..=OVAL_FIT_SHIFT).map(|d| d as f32);
    let scales = (-2..=2).map(|k| 1.0 + k as f32 * OVAL_FIT_SCALE / 2.0);
    let mut best: Option<(f32, Oval)> = None;
    for dx in shifts.clone() {
        for dy in shifts.clone() {
            for sx in scales.clone() {
                for sy in scales.clone() {
                    let oval = Oval {
                        cx: rough.cx + dx,
                        cy: rough.cy + dy,
                        rx: rough.rx * sx,
                        ry: rough.ry * sy,
                    };
                    let rim = oval.coverage(mask, -1.5, 1.5);
                    if best.is_none_or(|(b, _)| rim > b) {
                        best = Some((rim, oval));
                    }
                }
            }
        }
    }
    let oval = best?.1;
    oval.is_outlined(mask, test)
        .then(|| oval.outer_edge(mask, test.rim))
}

/// How far, in mask pixels, a coarse oval's centre may move when it is fitted.
const OVAL_FIT_SHIFT: i32 = 2;
/// How much a coarse oval's radii may change when it is fitted, as a fraction of each.
const OVAL_FIT_SCALE: f32 = 0.06;

pub(super) fn is_set(mask: &GrayImage, x: f32, y: f32) -> bool {
    let (x, y) = (x.round() as i64, y.round() as i64);
    x >= 0
        && y >= 0
        && (x as u32) < mask.width()
        && (y as u32) < mask.height()
        && mask.get_pixel(x as u32, y as u32).0[0] > 0
}

/// Whether `circle` sits inside a longer ring: ink on both opposite sides just beyond it, as an
/// oval seal (an invoice's, a tax authority's) leaves round a circle inscribed in it. A second
/// seal stamped over a round one lies on one side only.
pub(super) fn is_inscribed(mask: &GrayImage, circle: &Circle) -> bool {
    let half = ANGLES / 2;
    let beyond = |k: usize| circle.meets(mask, k, 1.15 * circle.r + 1.0, 1.7 * circle.r);
    let both_sides = (0..half).filter(|&k| beyond(k) && beyond(k + half)).count();
    both_sides as f32 >= 0.15 * half as f32
}

/// Rings that regions of one stamp ink of seal size leave unexplained may hold: two seals
/// stamped over each other make one region that is not round, a worn or lightly pressed seal
/// breaks its ring into arcs. Searched by shape, only round those regions; a region holding the
/// centre of a seal already found (`explained`) is explained.
pub(super) fn rings_in_unexplained_ink(
    mask: &GrayImage,
    regions: &[Rect],
    explained: &[[f32; 2]],
    short: f32,
) -> Vec<Circle> {
    let min_side = STAMP_RING.min_diameter / 2.0 * short;
    let Some(area) = regions
        .iter()
        .filter(|b| b.width() >= min_side && b.height() >= min_side)
        .filter(|b| !explained.iter().any(|&[x, y]| b.contains(x, y)))
        .copied()
        .reduce(|a, b| a.union(&b))
    else {
        return Vec::new();
    };
    let [x0, y0, x1, y1] = area.padded(4.0, 4.0).to_pixels(mask.width(), mask.height());
    let window = image::imageops::crop_imm(mask, x0, y0, x1 - x0, y1 - y0).to_image();
    // A faint ring shrinks to a line one pixel wide, too thin to give a gradient.
    let thick =
        imageproc::morphology::dilate(&window, imageproc::distance_transform::Norm::LInf, 1);
    hough_rings(&thick, short, &STAMP_RING)
        .into_iter()
        .filter(|c| !is_inscribed(&thick, c))
        .map(|c| Circle {
            cx: c.cx + x0 as f32,
            cy: c.cy + y0 as f32,
            ..c
        })
        .collect()
}

/// How large and whole a ring of `mask` must be to count as a seal's.
pub(super) struct RingTest {
    /// The smallest diameter, as a fraction of the page's shorter side.
    min_diameter: f32,
    /// The largest diameter, as a fraction of the page's shorter side (and no larger than the
    /// mask searched).
    max_diameter: f32,
    /// The Hough votes a centre needs, per pixel of radius (a whole sharp ring gives about 2π
    /// from each edge of its line).
    votes: f32,
    /// The share of angles at which the ring's line must be there.
    rim: f32,
    /// The largest share of angles at which a circle just outside the ring may meet ink.
    outside: f32,
}

/// A dark outline must be whole and stand free: circles of other ink (tables, text) are common.
pub(super) const DARK_RING: RingTest = RingTest {
    min_diameter: MIN_DIAMETER,
    max_diameter: MAX_DIAMETER,
    votes: 1.2 * std::f32::consts::PI,
    rim: 0.85,
    outside: 0.35,
};
/// An oval seal's dark outline, looked for on the mask shrunk by half and stretched upright into
/// a circle: no stretch makes a stamped oval quite round, so its votes spread.
/// Oval seals are 40 mm wide or more: a fifth of an A4 page's width, two fifths of a
/// receipt's height.
pub(super) const DARK_OVAL: RingTest = RingTest {
    min_diameter: 0.15,
    max_diameter: MAX_SMALL_DOCUMENT_DIAMETER,
    votes: 0.6 * std::f32::consts::PI,
    ..DARK_RING
};
/// A worn or lightly pressed seal breaks its ring and thins its line; a second seal may be
/// stamped over it, or over a form printed in its own ink (a receipt's). Red characters of a
/// letterhead can hold a small circle of red: such rings are looked for from the size of a small
/// seal on a full page up, to the size of a seal on a receipt.
pub(super) const STAMP_RING: RingTest = RingTest {
    min_diameter: 0.1,
    max_diameter: MAX_SMALL_DOCUMENT_DIAMETER,
    votes: 0.6 * std::f32::consts::PI,
    rim: 0.7,
    outside: 0.35,
};

/// Rings of seal size in `mask`: circles found by letting the mask's edges vote for centres
/// along their gradient (a Hough transform), kept when they pass `test`. Seal sizes are those of
/// a page whose shorter side is `short` pixels; a ring fits in the mask.
pub(super) fn hough_rings(mask: &GrayImage, short: f32, test: &RingTest) -> Vec<Circle> {
    let (w, h) = mask.dimensions();
    let (r_min, r_max) = (
        (test.min_diameter * short / 2.0).floor().max(4.0) as usize,
        ((test.max_diameter * short).min(w.min(h) as f32) / 2.0).ceil() as usize,
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

/// The circle moved onto the outer edge of its ring's line (see [`Oval::outer_edge`]).
pub(super) fn outer_edge(mask: &GrayImage, circle: Circle, rim: f32) -> Circle {
    let r = Oval::round(&circle).outer_edge(mask, rim).rx;
    Circle { r, ..circle }
}

/// A seal's outline: `mask` round the circle, mostly paper just outside it.
pub(super) fn is_outlined_ring(mask: &GrayImage, circle: &Circle, test: &RingTest) -> bool {
    Oval::round(circle).is_outlined(mask, test)
}
