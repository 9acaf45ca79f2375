//! Painting masks: opaque rectangles written into the page's pixels, and telling whether a
//! rectangle of a written page is masked.

use image::{Rgb, RgbImage};

/// Paints every box `[x0, y0, x1, y1]` onto the page in `color`, clamped to the page.
pub fn paint(page: &mut RgbImage, boxes: impl IntoIterator<Item = [u32; 4]>, color: Rgb<u8>) {
    let (w, h) = page.dimensions();
    for [x0, y0, x1, y1] in boxes {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(w) {
                page.put_pixel(x, y, color);
            }
        }
    }
}

/// Share of a box's inner pixels that must have the mask colour for it to count as masked.
const MASKED_SHARE: f64 = 0.95;
/// Largest channel difference from the mask colour still counted as mask (JPEG noise).
const MASK_TOLERANCE: i16 = 48;
/// Pixels left out along each edge of a box before its pixels are checked (JPEG ringing,
/// resampling).
const EDGE_INSET: u32 = 3;

/// Whether nearly all pixels inside `bbox` (less a thin edge) have the mask colour, as they
/// decode from a written output.
pub fn is_masked(pixels: &RgbImage, bbox: [u32; 4], color: Rgb<u8>) -> bool {
    let [x0, y0, x1, y1] = bbox;
    let inner = [
        x0 + EDGE_INSET,
        y0 + EDGE_INSET,
        x1.saturating_sub(EDGE_INSET),
        y1.saturating_sub(EDGE_INSET),
    ];
    masked_share(pixels, inner, color).is_none_or(|share| share >= MASKED_SHARE)
}

/// The share of pixels inside `bbox` that have the mask colour (None for an empty box).
pub fn masked_share(pixels: &RgbImage, bbox: [u32; 4], color: Rgb<u8>) -> Option<f64> {
    let [x0, y0, x1, y1] = bbox;
    let (x1, y1) = (x1.min(pixels.width()), y1.min(pixels.height()));
    if x0 >= x1 || y0 >= y1 {
        return None;
    }
    let mut masked = 0u64;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = pixels.get_pixel(x, y).0;
            let close =
                (0..3).all(|c| (i16::from(p[c]) - i16::from(color.0[c])).abs() <= MASK_TOLERANCE);
            masked += u64::from(close);
        }
    }
    Some(masked as f64 / f64::from((x1 - x0) * (y1 - y0)))
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

    #[test]
    fn paints_inside_and_clamps_to_page() {
        let mut page = RgbImage::from_pixel(20, 10, Rgb([255, 255, 255]));
        let bbox = Rect::new(15.2, -3.0, 40.0, 4.5).to_pixels(20, 10);
        paint(&mut page, [bbox], Rgb([0, 0, 0]));
        assert_eq!(page.get_pixel(15, 0).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(19, 4).0, [0, 0, 0]);
        assert_eq!(page.get_pixel(14, 0).0, [255, 255, 255]);
        assert_eq!(page.get_pixel(19, 5).0, [255, 255, 255]);
    }

    #[test]
    fn masked_boxes_are_told_from_visible_ones() {
        let mut page = RgbImage::from_pixel(100, 60, Rgb([250, 250, 250]));
        paint(&mut page, [[10, 10, 60, 30]], Rgb([8, 5, 3]));
        let black = Rgb([0, 0, 0]);
        assert!(is_masked(&page, [10, 10, 60, 30], black));
        assert!(!is_masked(&page, [10, 10, 60, 50], black));
        assert!(!is_masked(&page, [10, 10, 60, 30], Rgb([255, 255, 255])));
    }

    #[test]
    fn colours_parse() {
        assert_eq!(parse_color("#102030"), Ok(Rgb([16, 32, 48])));
        assert_eq!(parse_color("000000"), Ok(Rgb([0, 0, 0])));
        assert!(parse_color("black").is_err());
    }
}
