//! Reading seals: the text along the ring unwrapped into a straight strip for the recognizer,
//! and the text under a seal read again with its ink made paper.

use image::RgbImage;

use super::colour::{balanced, is_stamp_ink, paper_colour, white_balance};
use super::text::RingBand;
use crate::base::pixels::bilinear;
use crate::base::text::is_han;
use crate::detect::ocr::Ocr;
use crate::detect::types::{Detections, Seal, TextLine};
use crate::error::Result;
use crate::geometry::Ellipse;

/// The ring text starts at about 8 o'clock and runs clockwise over the top to about 4 o'clock:
/// angles (degrees, y pointing down) at which the unwrapping starts and ends.
const RING_TEXT_ARC: (f32, f32) = (115.0, 425.0);

/// The ring text of a seal, in `band`, unwrapped into a straight strip: characters upright,
/// read left to right, as the recognizer expects a line. The strip is as long as the ring of
/// the mean radius.
pub fn unwrap_ring_text(page: &RgbImage, seal: &Ellipse, band: RingBand) -> RgbImage {
    let r = (seal.rx + seal.ry) / 2.0;
    let (outer, inner) = (band.outer * r, band.inner * r);
    let (start, end) = (RING_TEXT_ARC.0.to_radians(), RING_TEXT_ARC.1.to_radians());
    let height = (outer - inner).max(8.0);
    let width = ((end - start) * (outer + inner) / 2.0).max(8.0);
    RgbImage::from_fn(width as u32, height as u32, |u, v| {
        let angle = start + (u as f32 + 0.5) / width * (end - start);
        let share = band.outer - (v as f32 + 0.5) / height * (band.outer - band.inner);
        let [x, y] = seal.point(angle, share);
        let rgb = bilinear(page, x - 0.5, y - 0.5);
        image::Rgb(rgb.map(|c| c.round() as u8))
    })
}

/// The text lines under seals, read again with the seals' ink made paper: a black signer line
/// or a unit's name under a seal reads poorly through the red or blue. Each seal's surroundings
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
        let rect = seal.rect();
        let around = rect.padded(0.6 * rect.width(), 0.15 * rect.height());
        let [x0, y0, x1, y1] = around.to_pixels(image.width(), image.height());
        if x1 <= x0 || y1 <= y0 {
            continue;
        }
        let mut crop = image::imageops::crop_imm(image, x0, y0, x1 - x0, y1 - y0).to_image();
        let mut inked = 0usize;
        for p in crop.pixels_mut() {
            if is_stamp_ink(balanced(&balance, p.0)) {
                p.0 = [255, 255, 255];
                inked += 1;
            }
        }
        if inked == 0 {
            continue;
        }
        let boxes = ocr.detect(&crop)?;
        let lines = ocr.read_boxes(&crop, &boxes)?;
        let moved = Detections {
            lines,
            ..Detections::default()
        }
        .moved(x0 as f32, y0 as f32);
        for line in moved.lines {
            let chinese = line.glyphs.iter().any(|g| is_han(g.ch));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    #[test]
    fn an_oval_seals_ring_text_is_unwrapped_along_its_ellipse() {
        // Text along an oval 400 by 240 at 0.8 of its radii: the strip's middle rows are ink,
        // its edges paper.
        let (cx, cy, rx, ry) = (500.0, 400.0, 200.0, 120.0);
        let page = RgbImage::from_fn(1000, 800, |x, y| {
            let (dx, dy) = ((x as f32 - cx) / rx, (y as f32 - cy) / ry);
            let on_text = (dx.hypot(dy) - 0.8).abs() < 0.04;
            image::Rgb(if on_text { [200, 30, 30] } else { [250; 3] })
        });
        let seal = Ellipse::filling(&Rect::new(cx - rx, cy - ry, cx + rx, cy + ry));
        let strip = unwrap_ring_text(
            &page,
            &seal,
            RingBand {
                outer: 0.95,
                inner: 0.65,
            },
        );
        let ink_share = |v: u32| {
            let inked = (0..strip.width())
                .filter(|&u| strip.get_pixel(u, v).0[1] < 150)
                .count();
            inked as f32 / strip.width() as f32
        };
        let h = strip.height();
        assert!(ink_share(h / 2) > 0.9, "{}", ink_share(h / 2));
        assert!(ink_share(0) < 0.05 && ink_share(h - 1) < 0.05);
    }
}
