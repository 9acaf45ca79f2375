//! Locating seals by shape: rings found by a Hough transform over a mask of ink or of a stamp
//! ink, for greyscale scans that lost the seal's colour, and for seals stamped over each other
//! or worn through; oval rings fitted to the mask.

use image::GrayImage;

use super::{ANGLES, MAX_DIAMETER, MAX_SMALL_DOCUMENT_DIAMETER, MIN_DIAMETER};
use crate::geometry::{Ellipse, Rect};

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
        let centre = Oval {
            rx: 0.0,
            ry: 0.0,
            ..Oval::round(self)
        };
        centre.meets(mask, k, r0, r1)
    }
}

/// An oval seal's outline in shrunk-page pixels: an ellipse, level or stamped at a tilt (as
/// [`Ellipse::tilt`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Oval {
    pub(super) cx: f32,
    pub(super) cy: f32,
    pub(super) rx: f32,
    pub(super) ry: f32,
    pub(super) tilt: f32,
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
            tilt: 0.0,
        }
    }

    /// The circle as an oval.
    pub(super) fn round(circle: &Circle) -> Oval {
        Oval {
            cx: circle.cx,
            cy: circle.cy,
            rx: circle.r,
            ry: circle.r,
            tilt: 0.0,
        }
    }

    /// The oval as an ellipse in page pixels, `step` page pixels to a mask pixel.
    pub(super) fn on_page(&self, step: f32) -> Ellipse {
        Ellipse {
            center: [self.cx, self.cy],
            rx: self.rx,
            ry: self.ry,
            tilt: self.tilt,
        }
        .scaled(step)
    }

    /// The oval's box.
    pub(super) fn bbox(&self) -> Rect {
        self.on_page(1.0).bbox()
    }

    /// The fraction of angles at which `mask` is set somewhere between the oval grown by `d0`
    /// and by `d1` pixels.
    fn coverage(&self, mask: &GrayImage, d0: f32, d1: f32) -> f32 {
        self.coverage_at(ANGLES, mask, d0, d1)
    }

    /// [`Oval::coverage`] sampled at `angles` angles.
    fn coverage_at(&self, angles: usize, mask: &GrayImage, d0: f32, d1: f32) -> f32 {
        self.hits(mask, &directions(angles), &offsets(d0, d1)) as f32 / angles as f32
    }

    /// Whether `mask` is set at the `k`-th of [`ANGLES`] angles round the oval, somewhere
    /// between the oval grown by `d0` and by `d1` pixels.
    fn meets(&self, mask: &GrayImage, k: usize, d0: f32, d1: f32) -> bool {
        let t = k as f32 * std::f32::consts::TAU / ANGLES as f32;
        self.hits(mask, &[[t.cos(), t.sin()]], &offsets(d0, d1)) == 1
    }

    /// At how many of `directions` (unit vectors, as [`directions`] gives) `mask` is set on the
    /// oval grown by one of `offsets` pixels.
    fn hits(&self, mask: &GrayImage, directions: &[[f32; 2]], offsets: &[f32]) -> usize {
        self.hits_above(mask, directions, offsets, 0).unwrap_or(0)
    }

    /// [`Oval::hits`] when they are more than `floor`; None as soon as they cannot be.
    fn hits_above(
        &self,
        mask: &GrayImage,
        directions: &[[f32; 2]],
        offsets: &[f32],
        floor: usize,
    ) -> Option<usize> {
        let (ct, st) = (self.tilt.cos(), self.tilt.sin());
        let most_misses = directions.len().checked_sub(floor)?;
        let (mut hits, mut misses) = (0, 0);
        for [cos, sin] in directions {
            let hit = offsets.iter().any(|d| {
                let (ex, ey) = ((self.rx + d) * cos, (self.ry + d) * sin);
                is_set(
                    mask,
                    self.cx + ex * ct - ey * st,
                    self.cy + ex * st + ey * ct,
                )
            });
            if hit {
                hits += 1;
            } else {
                misses += 1;
                if misses >= most_misses && floor > 0 {
                    return None;
                }
            }
        }
        Some(hits)
    }

    /// How well `mask` outlines the oval: the share of angles its line is there at, less the
    /// share at which a ring just outside it meets ink.
    fn outline_score(&self, angles: usize, mask: &GrayImage) -> f32 {
        self.coverage_at(angles, mask, -1.5, 1.5)
            - self.outside().coverage_at(angles, mask, 0.0, 1.0)
    }

    /// The ring just outside the oval, where a seal has paper.
    fn outside(&self) -> Oval {
        Oval {
            rx: 1.15 * self.rx + 1.0,
            ry: 1.15 * self.ry + 1.0,
            ..*self
        }
    }

    /// Whether `mask` holds this oval's outline by `test`: its line round the rim, mostly
    /// paper just outside it.
    fn is_outlined(&self, mask: &GrayImage, test: &RingTest) -> bool {
        self.coverage(mask, -1.5, 1.5) >= test.rim
            && self.outside().coverage(mask, 0.0, 1.0) <= test.outside
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
                        tilt: 0.0,
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

/// The oval ring, level or stamped at a tilt, that `circle` lies on one end of: a ring found
/// as a circle on part of an oval seal stamped at an angle, or over a receipt's print in its
/// own ink, meets `mask` at few of its angles (below [`PART_OF_A_RING`]). Ovals from the
/// circle's size to [`LONGEST_OVAL`] times as long, centred within about its radius and tilted
/// up to 45 degrees either way, are tried on `mask` widened by a pixel; the one `mask` outlines
/// best is kept when it outlines it by [`WHOLE_OVAL`] and clearly better than the circle, and
/// is longer than wide by [`MIN_STRETCH`]. None when the circle is a whole ring or no oval is
/// found.
pub(super) fn oval_round(mask: &GrayImage, circle: &Circle) -> Option<Oval> {
    let start = Oval::round(circle);
    if start.coverage(mask, -1.5, 1.5) >= PART_OF_A_RING {
        return None;
    }
    let own = start.outline_score(ANGLES, mask);
    // Coarsely, on the mask widened by a pixel, a line within 2 pixels of the oval counts.
    let wide = imageproc::morphology::dilate(mask, imageproc::distance_transform::Norm::LInf, 1);
    let (coarse, near, beyond) = (directions(COARSE_ANGLES), [-1.0, 0.0, 1.0], [0.0]);
    let coarse_floor = ((WHOLE_OVAL - COARSE_SLACK) * COARSE_ANGLES as f32) as usize;
    let r = circle.r;
    let step = (r / 6.0).max(1.0);
    let size = (r / 8.0).max(1.0);
    let range = |from: f32, to: f32, by: f32| {
        (0..=((to - from) / by).floor() as usize).map(move |i| from + i as f32 * by)
    };
    let mut best: Option<(f32, Oval)> = None;
    for dx in range(-1.2 * r, 1.2 * r, step) {
        for dy in range(-0.8 * r, 0.8 * r, step) {
            for rx in range(r, LONGEST_OVAL * r, size) {
                for ry in range(0.55 * r, rx, size) {
                    for tilt in range(-45.0, 45.0, 9.0) {
                        let oval = Oval {
                            cx: circle.cx + dx,
                            cy: circle.cy + dy,
                            rx,
                            ry,
                            tilt: tilt.to_radians(),
                        };
                        // No better than the best so far even with nothing outside, or than
                        // what a whole oval needs less a slack for the coarse grid: passed over.
                        let floor = best
                            .map_or(0, |(b, _)| b.max(0.0) as usize)
                            .max(coarse_floor);
                        let Some(rim) = oval.hits_above(&wide, &coarse, &near, floor) else {
                            continue;
                        };
                        let score =
                            rim as f32 - oval.outside().hits(&wide, &coarse, &beyond) as f32;
                        if best.is_none_or(|(b, _)| score > b) {
                            best = Some((score, oval));
                        }
                    }
                }
            }
        }
    }
    let mut oval = best?.1;
    let mut score = oval.outline_score(ANGLES, mask);
    for _ in 0..2 {
        for (dx, dy, drx, dry, dtilt) in nudges() {
            let nudged = Oval {
                cx: oval.cx + dx,
                cy: oval.cy + dy,
                rx: oval.rx + drx,
                ry: oval.ry + dry,
                tilt: oval.tilt + dtilt.to_radians(),
            };
            let s = nudged.outline_score(ANGLES, mask);
            if s > score {
                (score, oval) = (s, nudged);
            }
        }
    }
    let longer = oval.rx >= MIN_STRETCH * oval.ry;
    (longer && score >= WHOLE_OVAL && score >= own + BETTER_THAN_THE_CIRCLE).then_some(oval)
}

/// How far an oval is grown, in half-pixel steps from `d0` to `d1` pixels, where its line is
/// looked for.
fn offsets(d0: f32, d1: f32) -> Vec<f32> {
    (0..)
        .map(|i| d0 + 0.5 * i as f32)
        .take_while(|&d| d <= d1)
        .collect()
}

/// Unit vectors at `n` angles evenly round a ring, from the x axis towards the y axis.
fn directions(n: usize) -> Vec<[f32; 2]> {
    (0..n)
        .map(|k| {
            let t = k as f32 * std::f32::consts::TAU / n as f32;
            [t.cos(), t.sin()]
        })
        .collect()
}

/// The small moves an oval found coarsely is tried at: a pixel each way for its centre and
/// radii, 3 degrees each way for its tilt.
fn nudges() -> impl Iterator<Item = (f32, f32, f32, f32, f32)> {
    let one = [-1.0, 0.0, 1.0];
    one.into_iter().flat_map(move |dx| {
        one.into_iter().flat_map(move |dy| {
            one.into_iter().flat_map(move |drx| {
                one.into_iter().flat_map(move |dry| {
                    one.into_iter().map(move |dt| (dx, dy, drx, dry, 3.0 * dt))
                })
            })
        })
    })
}

/// A ring whose line is there at less than this share of its angles is part of a longer ring
/// (a whole seal's line is there at 0.85 of them or more, worn seals' at 0.7).
const PART_OF_A_RING: f32 = 0.75;
/// The longest oval tried round a circle, in its radii (a cashier's oval seal is about 1.6
/// times as wide as high; the circle found on it may be as small as its height).
const LONGEST_OVAL: f32 = 2.2;
/// The [`Oval::outline_score`] an oval found round a circle needs.
const WHOLE_OVAL: f32 = 0.8;
/// How much longer than wide a ring must be to be an oval: a round seal's ring, fitted, is
/// not replaced by a near circle.
const MIN_STRETCH: f32 = 1.15;
/// How much better than its circle an oval must be outlined to replace it.
const BETTER_THAN_THE_CIRCLE: f32 = 0.1;
/// How much less than [`WHOLE_OVAL`] of its angles an oval may meet in the coarse search and
/// still be fitted.
const COARSE_SLACK: f32 = 0.15;
/// Angles sampled round an oval in the coarse search.
const COARSE_ANGLES: usize = 36;

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

#[cfg(test)]
mod tests {
    use super::*;

    /// A shrunk page's mask holding the ring of `oval`, 2 pixels thick.
    fn mask_with_ring(oval: &Oval) -> GrayImage {
        let (c, s) = (oval.tilt.cos(), oval.tilt.sin());
        GrayImage::from_fn(400, 300, |x, y| {
            let (dx, dy) = (x as f32 - oval.cx, y as f32 - oval.cy);
            let (u, v) = (dx * c + dy * s, -dx * s + dy * c);
            let d = (u / oval.rx).hypot(v / oval.ry);
            let on_ring = (1.0 - 2.0 / oval.ry..=1.0).contains(&d);
            image::Luma([if on_ring { 255 } else { 0 }])
        })
    }

    #[test]
    fn a_circle_on_one_end_of_a_tilted_oval_is_taken_for_the_oval() {
        // Failure class 1: a cashier's oval seal stamped 30 degrees off level, found as a
        // circle on its right end (a receipt's print in the seal's ink hid the rest).
        let oval = Oval {
            cx: 200.0,
            cy: 150.0,
            rx: 60.0,
            ry: 36.0,
            tilt: 30f32.to_radians(),
        };
        let mask = mask_with_ring(&oval);
        let end = Circle {
            cx: 200.0 + 24.0 * oval.tilt.cos(),
            cy: 150.0 + 24.0 * oval.tilt.sin(),
            r: 36.0,
        };
        let found = oval_round(&mask, &end).expect("the oval");
        assert!(
            (found.cx - 200.0).abs() < 3.0 && (found.cy - 150.0).abs() < 3.0,
            "{found:?}"
        );
        assert!(
            (found.rx - 60.0).abs() < 4.0 && (found.ry - 36.0).abs() < 4.0,
            "{found:?}"
        );
        assert!((found.tilt.to_degrees() - 30.0).abs() < 5.0, "{found:?}");
    }

    #[test]
    fn a_whole_round_ring_and_a_circle_in_print_are_left_as_they_are() {
        let round = Oval {
            cx: 200.0,
            cy: 150.0,
            rx: 50.0,
            ry: 50.0,
            tilt: 0.0,
        };
        let circle = Circle {
            cx: 200.0,
            cy: 150.0,
            r: 50.0,
        };
        assert_eq!(oval_round(&mask_with_ring(&round), &circle), None);
        // Rows of print in the seal's ink hold no oval round a circle drawn among them.
        let print = GrayImage::from_fn(400, 300, |x, y| {
            image::Luma([if y % 12 < 5 && (x / 3 + y) % 4 == 0 {
                255
            } else {
                0
            }])
        });
        assert_eq!(oval_round(&print, &circle), None);
    }
}
