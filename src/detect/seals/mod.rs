//! Round and oval seals (公章, 收费专用章) on a page: located by colour ([`colour`]: rings of
//! red or blue stamp ink) or by shape ([`shape`]: dark round and oval rings, for a greyscale
//! scan or photocopy that keeps the seal's outline but loses its colour; rings of ink regions
//! that are not round), and read ([`read`]: the text along the ring unwrapped into a straight
//! strip for the recognizer), once the seal text detector ([`text`]) has found text round the
//! candidate's rim and where it runs.
//!
//! Both searches run on the page shrunk to about [`WORKING_SIDE`] pixels across: seals are large.

mod colour;
mod read;
mod shape;
mod text;

use image::imageops::FilterType;
use image::{GrayImage, RgbImage};
use imageproc::contrast::{threshold, ThresholdType};

pub use read::lines_under;
pub use text::SealTextDetector;

use super::ocr::Ocr;
use super::types::Seal;
use crate::error::Result;
use crate::geometry::{Ellipse, Rect};
use colour::{
    balanced, ink_ovals, ink_regions, ink_rings, paper_colour, shrunk_masks, white_balance,
    StampInk, WhiteBalance,
};
use read::unwrap_ring_text;
use shape::{
    fitted_oval, hough_rings, oval_round, rings_in_unexplained_ink, Oval, DARK_OVAL, DARK_RING,
};

/// The page is examined shrunk so that its shorter side is about this many pixels.
const WORKING_SIDE: u32 = 400;
/// Smallest seal diameter, as a fraction of the page's shorter side (a 3 cm seal on A4 is 0.14).
const MIN_DIAMETER: f32 = 0.06;
/// Largest seal diameter on a full page, as a fraction of its shorter side (a 4.5 cm seal on A4
/// is 0.21).
const MAX_DIAMETER: f32 = 0.24;
/// Largest seal diameter on a small document, as a fraction of its shorter side (a 4 cm seal on
/// a 10 cm high receipt is 0.4).
const MAX_SMALL_DOCUMENT_DIAMETER: f32 = 0.45;
/// Angles sampled round a ring.
const ANGLES: usize = 90;
/// The darkest paper a page is white-balanced for (darker is a dark photo, not a tinted paper).
const PAPER_FLOOR: u8 = 96;

/// The seals of an image cut from a page whose shorter side is `page_side` pixels (seals are
/// as large as on the whole page), with their ring text read. Rings with no text round their
/// rim (an emblem, a drawn circle) are not seals. Only a page where no seal shows in a stamp ink
/// pays for the search by shape.
pub fn locate(
    page: &RgbImage,
    page_side: u32,
    seal_text: &mut SealTextDetector,
    ocr: &mut Ocr,
) -> Result<Vec<Seal>> {
    let balance = white_balance(paper_colour(page));
    let search = Search::new(page, page_side, &balance);
    let mut read = |candidates: Vec<Ellipse>| -> Result<Vec<Seal>> {
        let mut seals = Vec::new();
        for outline in candidates {
            let Some(band) = seal_text.ring_band(page, &outline.bbox())? else {
                continue;
            };
            let mut strip = unwrap_ring_text(page, &outline, band);
            for p in strip.pixels_mut() {
                p.0 = balanced(&balance, p.0);
            }
            let ring = ocr.read_strip(&strip)?;
            seals.push(Seal { outline, ring });
        }
        Ok(seals)
    };
    let seals = read(search.by_colour())?;
    if seals.is_empty() {
        return read(search.by_shape());
    }
    Ok(seals)
}

/// Seals on the page, in page pixels: rings of stamp ink, or where there are none dark rings.
pub fn candidates(page: &RgbImage) -> Vec<Ellipse> {
    let balance = white_balance(paper_colour(page));
    let search = Search::new(page, page.width().min(page.height()), &balance);
    let found = search.by_colour();
    if found.is_empty() {
        search.by_shape()
    } else {
        found
    }
}

/// An image cut from a page, shrunk to the page's working resolution into masks of each stamp
/// ink and of dark ink, searched for seals of the page's seal sizes.
struct Search {
    /// How many page pixels a mask pixel stands for, each way.
    step: u32,
    /// The page's shorter side in mask pixels.
    short: f32,
    stamps: [GrayImage; StampInk::ALL.len()],
    ink: GrayImage,
}

impl Search {
    /// The masks of `image`, cut from a page whose shorter side is `page_side` pixels, colours
    /// judged through `balance`.
    fn new(image: &RgbImage, page_side: u32, balance: &WhiteBalance) -> Search {
        let step = (page_side / WORKING_SIDE).max(1);
        let (stamps, ink) = shrunk_masks(image, step, balance);
        Search {
            step,
            short: page_side as f32 / step as f32,
            stamps,
            ink,
        }
    }

    /// Round and oval rings of stamp ink, in page pixels. The inks are searched in the order of
    /// [`StampInk::ALL`]; a ring already found in one is not found again in a later one. A
    /// ring found as a circle on one end of an oval (stamped at a tilt, or over print in its
    /// own ink) is taken for that oval.
    fn by_colour(&self) -> Vec<Ellipse> {
        let short = self.short;
        let mut seals: Vec<shape::Circle> = Vec::new();
        let mut outlines: Vec<Oval> = Vec::new();
        let mut ovals: Vec<Rect> = Vec::new();
        for (mask, ink) in self.stamps.iter().zip(StampInk::ALL) {
            // `stamps` is in the order of `StampInk::ALL`, which is the order of declaration.
            let shades = &self.stamps[ink.with_faint_shades() as usize];
            let regions = ink_regions(mask);
            let new_ovals: Vec<Rect> = ink_ovals(mask, &regions, short)
                .into_iter()
                .filter(|o| !already_found(&seals, &ovals, o.center()))
                .collect();
            ovals.extend(new_ovals);
            let rings = ink_rings(mask, &regions, short);
            let explained: Vec<[f32; 2]> = rings
                .iter()
                .chain(&seals)
                .map(|c| [c.cx, c.cy])
                .chain(ovals.iter().map(Rect::center))
                .collect();
            let unexplained = rings_in_unexplained_ink(mask, &regions, &explained, short);
            for ring in rings.into_iter().chain(unexplained) {
                if !already_found(&seals, &ovals, [ring.cx, ring.cy]) {
                    seals.push(ring);
                    outlines.push(oval_round(shades, &ring).unwrap_or(Oval::round(&ring)));
                }
            }
        }
        let step = self.step as f32;
        outlines
            .iter()
            .map(|o| o.on_page(step))
            .chain(ovals.iter().map(|r| Ellipse::filling(&r.scaled(step))))
            .collect()
    }

    /// Dark round and oval rings, in page pixels: seals that lost their colour (a greyscale
    /// scan or photocopy, or a grey copy of a receipt photographed in colour). Slower than the
    /// search by colour.
    fn by_shape(&self) -> Vec<Ellipse> {
        let mut rings: Vec<Rect> = hough_rings(&self.ink, self.short, &DARK_RING)
            .iter()
            .map(shape::Circle::bbox)
            .collect();
        for stretch in OVAL_STRETCHES {
            for oval in self.dark_ovals(stretch) {
                let [x, y] = oval.center();
                if !rings.iter().any(|r| r.contains(x, y)) {
                    rings.push(oval);
                }
            }
        }
        rings
            .iter()
            .map(|r| Ellipse::filling(&r.scaled(self.step as f32)))
            .collect()
    }

    /// Dark oval rings about `stretch` times as wide as high, in mask pixels. An oval stamped
    /// level is a circle on the mask stretched upright by its width over its height: such
    /// circles are looked for on the mask shrunk by half, then fitted to the whole mask.
    fn dark_ovals(&self, stretch: f32) -> Vec<Rect> {
        let (w, h) = self.ink.dimensions();
        let (half_w, tall) = (w / 2, (h as f32 * stretch / 2.0).round() as u32);
        // Set where about half a block of the mask was set.
        let shrunk = image::imageops::resize(&self.ink, half_w, tall, FilterType::Triangle);
        let coarse = threshold(&shrunk, 100, ThresholdType::Binary);
        let (sx, sy) = (w as f32 / half_w as f32, h as f32 / tall as f32);
        hough_rings(&coarse, self.short / 2.0, &DARK_OVAL)
            .iter()
            .filter_map(|c| {
                let rough = Rect::new(
                    (c.cx - c.r) * sx,
                    (c.cy - c.r) * sy,
                    (c.cx + c.r) * sx,
                    (c.cy + c.r) * sy,
                );
                fitted_oval(&self.ink, &rough, &DARK_RING)
            })
            .map(|oval| oval.bbox())
            .collect()
    }
}

/// Widths over heights of the oval seals looked for by shape (a cashier's oval seal is about
/// 1.4 times as wide as high, a 监制 seal about 1.8).
const OVAL_STRETCHES: [f32; 3] = [1.4, 1.6, 1.8];

/// Whether a point lies within a seal already found: a round seal's circle or an oval's box.
fn already_found(seals: &[shape::Circle], ovals: &[Rect], [x, y]: [f32; 2]) -> bool {
    seals.iter().any(|s| s.contains(x, y)) || ovals.iter().any(|o| o.contains(x, y))
}

#[cfg(test)]
mod tests {
    use super::colour::*;
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

    fn assert_found_at(seals: &[Ellipse], cx: f32, cy: f32, r: f32) {
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = seals[0].bbox();
        assert!(
            (s.center()[0] - cx).abs() < 10.0 && (s.center()[1] - cy).abs() < 10.0,
            "{s:?}"
        );
        assert!((s.width() - 2.0 * r).abs() < 20.0, "{s:?}");
    }

    #[test]
    fn the_inks_masks_are_in_the_order_of_declaration() {
        for (i, ink) in StampInk::ALL.into_iter().enumerate() {
            assert_eq!(ink as usize, i);
        }
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
    fn a_grey_seal_on_a_page_with_red_print_is_found() {
        // A photocopied receipt photographed in colour: its seal grey, its title still red.
        let mut page = page_with_ring(500.0, 900.0, 130.0, SEAL_GREY);
        for (x, y, p) in page.enumerate_pixels_mut() {
            if (100..160).contains(&y) && (200..1000).contains(&x) && (x / 8 + y / 6) % 3 == 0 {
                *p = image::Rgb(SEAL_RED);
            }
        }
        assert_found_at(&candidates(&page), 500.0, 900.0, 130.0);
    }

    #[test]
    fn blue_and_violet_rings_are_found_where_they_are() {
        for ink in [[40, 70, 175], [110, 60, 165]] {
            let seals = candidates(&page_with_ring(600.0, 800.0, 150.0, ink));
            assert_found_at(&seals, 600.0, 800.0, 150.0);
        }
    }

    #[test]
    fn a_blue_seal_stamped_over_a_red_one_keeps_its_ring() {
        let mut page = page_with_ring(450.0, 800.0, 150.0, SEAL_RED);
        stamp(&mut page, 680.0, 820.0, 150.0, [40, 70, 175], |_| true);
        let mut seals = candidates(&page);
        seals.sort_by(|a, b| a.center[0].total_cmp(&b.center[0]));
        assert_eq!(seals.len(), 2, "{seals:?}");
        assert_found_at(&seals[1..], 680.0, 820.0, 150.0);
    }

    #[test]
    fn two_red_seals_stamped_over_each_other_are_both_found() {
        let mut page = page_with_ring(450.0, 800.0, 150.0, SEAL_RED);
        stamp(&mut page, 680.0, 820.0, 150.0, SEAL_RED, |_| true);
        let mut seals = candidates(&page);
        seals.sort_by(|a, b| a.center[0].total_cmp(&b.center[0]));
        assert_eq!(seals.len(), 2, "{seals:?}");
        assert_found_at(&seals[..1], 450.0, 800.0, 150.0);
        assert_found_at(&seals[1..], 680.0, 820.0, 150.0);
    }

    #[test]
    fn a_seal_over_a_receipts_form_printed_in_its_own_ink_is_found() {
        // A receipt 10 cm high: its red ruled form joins the seal's ink into one region, and
        // the seal is 0.33 of the page's height.
        let mut page = RgbImage::from_pixel(1400, 700, image::Rgb(PAPER));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let rule = (190..=520).contains(&y) && (x % 300 < 2 || (y - 190) % 66 < 2);
            if rule && (80..1320).contains(&x) {
                *p = image::Rgb(SEAL_RED);
            }
        }
        stamp(&mut page, 420.0, 500.0, 115.0, SEAL_RED, |_| true);
        assert_found_at(&candidates(&page), 420.0, 500.0, 115.0);
    }

    /// Stamps an oval seal 400 by 250 pixels (a 监制 or cashier's seal, 1.6 times as wide as
    /// high) centred at (600, 800): its ring, and its hatched middle.
    fn stamp_oval(page: &mut RgbImage, colour: [u8; 3]) {
        for (x, y, p) in page.enumerate_pixels_mut() {
            let (dx, dy) = ((x as f32 - 600.0) / 200.0, (y as f32 - 800.0) / 125.0);
            let d = dx.hypot(dy);
            if (0.95..=1.0).contains(&d) || (d < 0.6 && (x / 6 + y / 9) % 5 == 0) {
                *p = image::Rgb(colour);
            }
        }
    }

    /// Asserts that `seals` is the one oval of [`stamp_oval`].
    fn assert_found_as_the_oval(seals: &[Ellipse]) {
        assert_eq!(seals.len(), 1, "{seals:?}");
        let s = seals[0].bbox();
        assert!((s.center()[0] - 600.0).abs() < 10.0 && (s.center()[1] - 800.0).abs() < 10.0);
        assert!(
            (s.width() - 400.0).abs() < 20.0 && (s.height() - 250.0).abs() < 20.0,
            "{s:?}"
        );
    }

    #[test]
    fn an_oval_seal_is_found_as_one_oval() {
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb(PAPER));
        stamp_oval(&mut page, SEAL_RED);
        assert_found_as_the_oval(&candidates(&page));
    }

    #[test]
    fn a_grey_oval_seal_over_a_ruled_receipt_is_found() {
        // A greyscale copy of a receipt: its cashier's oval seal stamped over a ruling line and
        // over lines of print.
        let mut page = RgbImage::from_pixel(1600, 1200, image::Rgb(PAPER));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let rule = (845..849).contains(&y) && (100..1500).contains(&x);
            let print = (y % 60 < 22) && (x / 7 + y / 5) % 3 == 0 && !(700..900).contains(&x);
            if rule || print {
                *p = image::Rgb([60, 60, 60]);
            }
        }
        stamp_oval(&mut page, SEAL_GREY);
        assert_found_as_the_oval(&candidates(&page));
    }

    #[test]
    fn rows_of_print_under_a_ruling_line_are_not_an_oval_seal() {
        // A greyscale receipt: close rows of bold print under a ruling line. Shrunk, their ink
        // lies round an oval's rim.
        let mut page = RgbImage::from_pixel(1600, 1200, image::Rgb(PAPER));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let rule = (596..600).contains(&y) && (296..1400).contains(&x);
            let row = (620..900).contains(&y) && (y - 620) % 50 < 32;
            let glyph = (330..900).contains(&x) && x % 34 < 30 && (x / 7 + y / 5) % 3 == 0;
            if rule || (row && glyph) {
                *p = image::Rgb([60, 60, 60]);
            }
        }
        let seals = candidates(&page);
        assert!(seals.is_empty(), "{seals:?}");
    }

    #[test]
    fn a_grey_seal_in_a_shadow_across_a_photo_is_found() {
        // A phone photo of a greyscale copy: the lower half in the hand's shadow, as dark as
        // faint ink, and the seal in it.
        let mut page = page_with_ring(600.0, 1100.0, 150.0, SEAL_GREY);
        for (_, y, p) in page.enumerate_pixels_mut() {
            if y > 800 {
                p.0 = p.0.map(|v| (f32::from(v) * 0.6) as u8);
            }
        }
        assert_found_at(&candidates(&page), 600.0, 1100.0, 150.0);
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
    fn a_rectangular_stamp_is_not_a_seal() {
        // 与原件核对无误: a red frame round lines of red text, 1.8 times as wide as high.
        let mut page = RgbImage::from_pixel(1200, 1600, image::Rgb(PAPER));
        for (x, y, p) in page.enumerate_pixels_mut() {
            let (inside_x, inside_y) = ((400..760).contains(&x), (700..900).contains(&y));
            let frame =
                (392..768).contains(&x) && (692..908).contains(&y) && !(inside_x && inside_y);
            let text = inside_y
                && (410..750).contains(&x)
                && (y - 700) % 40 < 30
                && (x / 6 + y / 9) % 4 == 0;
            if frame || (inside_x && inside_y && text) {
                *p = image::Rgb(SEAL_RED);
            }
        }
        assert!(candidates(&page).is_empty());
    }

    #[test]
    fn a_faint_pink_seal_is_found() {
        // A worn pad: red printed as pink (r - g about 50), next to a full red form line.
        let mut page = page_with_ring(600.0, 800.0, 150.0, [245, 195, 205]);
        for (x, y, p) in page.enumerate_pixels_mut() {
            if (300..304).contains(&y) && (100..1100).contains(&x) {
                *p = image::Rgb(SEAL_RED);
            }
        }
        assert_found_at(&candidates(&page), 600.0, 800.0, 150.0);
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
}
