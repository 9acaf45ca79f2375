//! Painting masks: opaque shapes written into the page's pixels, and telling whether a shape
//! of a written page is masked.

use image::{Rgb, RgbImage};

use crate::geometry::Shape;

/// Paints every shape onto the page in `color`: every pixel a shape touches, within the page.
pub fn paint<'s>(page: &mut RgbImage, shapes: impl IntoIterator<Item = &'s Shape>, color: Rgb<u8>) {
    let (w, h) = page.dimensions();
    for shape in shapes {
        for (x, y) in shape.touched_pixels(0.0, w, h) {
            page.put_pixel(x, y, color);
        }
    }
}

/// Share of a box's inner pixels that must have the mask colour for it to count as masked.
const MASKED_SHARE: f64 = 0.95;
/// Largest channel difference from the mask colour still counted as mask (JPEG noise).
const MASK_TOLERANCE: i16 = 48;
/// Pixels left out along each edge of a shape before its pixels are checked (JPEG ringing,
/// resampling).
const EDGE_INSET: f32 = 3.0;

/// Whether nearly all pixels inside `shape` (less a thin edge) have the mask colour, as they
/// decode from a written output.
pub fn is_masked(pixels: &RgbImage, shape: &Shape, color: Rgb<u8>) -> bool {
    share_within(pixels, shape, -EDGE_INSET, color).is_none_or(|share| share >= MASKED_SHARE)
}

/// The share of pixels inside `shape` that have the mask colour (None when it holds no pixel).
pub fn masked_share(pixels: &RgbImage, shape: &Shape, color: Rgb<u8>) -> Option<f64> {
    share_within(pixels, shape, 0.0, color)
}

/// The share of pixels with the mask colour among those whose centres lie inside `shape` grown
/// by `margin`.
fn share_within(pixels: &RgbImage, shape: &Shape, margin: f32, color: Rgb<u8>) -> Option<f64> {
    let (mut inside, mut masked) = (0u64, 0u64);
    for (x, y) in shape.pixels(margin, pixels.width(), pixels.height()) {
        let p = pixels.get_pixel(x, y).0;
        let close =
            (0..3).all(|c| (i16::from(p[c]) - i16::from(color.0[c])).abs() <= MASK_TOLERANCE);
        inside += 1;
        masked += u64::from(close);
    }
    (inside > 0).then(|| masked as f64 / inside as f64)
}

/// The mask colour as it comes out of a greyscale output.
pub fn as_written(color: Rgb<u8>, greyscale: bool) -> Rgb<u8> {
    if greyscale {
        let luma = image::Pixel::to_luma(&color).0[0];
        Rgb([luma; 3])
    } else {
        color
    }
}

/// Parses a colour written as `RRGGBB` or `#RRGGBB`.
pub fn parse_color(text: &str) -> Result<Rgb<u8>, String> {
    let hex = text.trim_start_matches('#');
    let valid = hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit());
    if !valid {
        return Err(format!("{text:?} is not a colour like 000000 or #202020"));
    }
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).map_err(|e| e.to_string());
    Ok(Rgb([byte(0)?, byte(2)?, byte(4)?]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geometry::Rect;

    fn rect(x0: f32, y0: f32, x1: f32, y1: f32) -> Shape {
        Shape::rect(&Rect::new(x0, y0, x1, y1))
    }

    #[test]
    fn paints_inside_and_clamps_to_page() {
        let mut page = RgbImage::from_pixel(20, 10, Rgb([255, 255, 255]));
        paint(&mut page, [&rect(15.2, -3.0, 40.0, 4.5)], Rgb([0, 0, 0]));
        assert_eq!(page.get_pixel(15, 0).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(19, 4).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(14, 0).0, [255, 255, 255]);
        assert_eq!(page.get_pixel(19, 5).0, [255, 255, 255]);
    }

    #[test]
    fn masked_boxes_are_told_from_visible_ones() {
        let mut page = RgbImage::from_pixel(100, 60, Rgb([250, 250, 250]));
        paint(&mut page, [&rect(10.0, 10.0, 60.0, 30.0)], Rgb([8, 5, 3]));
        let black = Rgb([0, 0, 0]);
        assert!(is_masked(&page, &rect(10.0, 10.0, 60.0, 30.0), black));
        assert!(!is_masked(&page, &rect(10.0, 10.0, 60.0, 50.0), black));
        assert!(!is_masked(
            &page,
            &rect(10.0, 10.0, 60.0, 30.0),
            Rgb([255, 255, 255])
        ));
    }

    #[test]
    fn a_disc_is_painted_as_a_disc() {
        let mut page = RgbImage::from_pixel(100, 100, Rgb([250, 250, 250]));
        let disc = Shape::ellipse([50.0, 50.0], 30.0, 30.0);
        paint(&mut page, [&disc], Rgb([0, 0, 0]));
        let black = Rgb([0, 0, 0]);
        assert!(is_masked(&page, &disc, black));
        // The corners of the disc's box stay as they were.
        assert_eq!(page.get_pixel(22, 22).0, [250, 250, 250]);
        assert!(!is_masked(&page, &rect(20.0, 20.0, 80.0, 80.0), black));
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#102030"), Ok(Rgb([16, 32, 48])));
        assert_eq!(parse_color("000000"), Ok(Rgb([0, 0, 0])));
        assert!(parse_color("black").is_err());
    }
}
