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
/// Largest difference of a channel's mean over the shape from the mask colour: JPEG noise
/// averages out, a see-through mask (the page darkened, not covered) does not.
const MEAN_TOLERANCE: f64 = 10.0;
/// Pixels this far inside a shape lie in JPEG blocks (colour ones included) that hold nothing
/// but the mask, so they decode to its colour almost exactly.
const FLAT_INSET: f32 = 16.0;
/// Largest channel difference from the mask colour of those pixels: anything more is structure
/// under the mask, which stretching the contrast would show.
const FLAT_TOLERANCE: i16 = 6;
/// Share of those pixels that must be that close.
const FLAT_SHARE: f64 = 0.99;

/// Whether `shape` is opaquely masked in a written page, as it decodes from the output: nearly
/// all its pixels (less a thin edge) have the mask colour, their mean is the mask colour, and
/// its inside, away from the encoder's edge effects, is flat.
pub fn is_masked(pixels: &RgbImage, shape: &Shape, color: Rgb<u8>) -> bool {
    let Some(edge) = closeness(pixels, shape, -EDGE_INSET, color, MASK_TOLERANCE) else {
        return true;
    };
    let flat = closeness(pixels, shape, -FLAT_INSET, color, FLAT_TOLERANCE);
    edge.share >= MASKED_SHARE
        && edge.mean_difference <= MEAN_TOLERANCE
        && flat.is_none_or(|flat| flat.share >= FLAT_SHARE)
}

/// The share of pixels inside `shape` that have the mask colour (None when it holds no pixel).
pub fn masked_share(pixels: &RgbImage, shape: &Shape, color: Rgb<u8>) -> Option<f64> {
    closeness(pixels, shape, 0.0, color, MASK_TOLERANCE).map(|c| c.share)
}

/// How close the pixels inside a shape are to the mask colour.
struct Closeness {
    /// The share within the tolerance on every channel.
    share: f64,
    /// The largest difference of a channel's mean from the mask colour.
    mean_difference: f64,
}

/// How close to `color` the pixels are whose centres lie inside `shape` grown by `margin`
/// (None when there are none), counting those within `tolerance` on every channel.
fn closeness(
    pixels: &RgbImage,
    shape: &Shape,
    margin: f32,
    color: Rgb<u8>,
    tolerance: i16,
) -> Option<Closeness> {
    let (mut inside, mut close, mut sums) = (0u64, 0u64, [0i64; 3]);
    for (x, y) in shape.pixels(margin, pixels.width(), pixels.height()) {
        let p = pixels.get_pixel(x, y).0;
        let differences: [i16; 3] =
            std::array::from_fn(|c| i16::from(p[c]) - i16::from(color.0[c]));
        inside += 1;
        close += u64::from(differences.iter().all(|d| d.abs() <= tolerance));
        for (sum, d) in sums.iter_mut().zip(differences) {
            *sum += i64::from(d);
        }
    }
    (inside > 0).then(|| Closeness {
        share: close as f64 / inside as f64,
        mean_difference: sums
            .iter()
            .map(|&sum| (sum as f64 / inside as f64).abs())
            .fold(0.0, f64::max),
    })
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
    use crate::geometry::{Ellipse, Rect};

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

    /// A page of black strokes on white, as a name on a form.
    fn page_with_writing() -> RgbImage {
        RgbImage::from_fn(300, 200, |x, y| {
            let stroke = (x / 3) % 5 == 0 || (y / 4) % 6 == 0;
            if stroke {
                Rgb([20, 20, 20])
            } else {
                Rgb([250, 250, 250])
            }
        })
    }

    /// The page as a JPEG of quality 90 decodes it.
    fn through_jpeg(page: &RgbImage) -> RgbImage {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(page)
            .unwrap();
        image::load_from_memory(&bytes).unwrap().to_rgb8()
    }

    #[test]
    fn masks_stay_masked_through_jpeg_in_any_colour_and_size() {
        for color in [Rgb([0, 0, 0]), Rgb([32, 32, 32]), Rgb([200, 30, 30])] {
            for box_ in [
                rect(41.0, 37.0, 259.0, 161.0),
                rect(100.0, 90.0, 130.0, 104.0),
            ] {
                let mut page = page_with_writing();
                paint(&mut page, [&box_], color);
                let decoded = through_jpeg(&page);
                assert!(is_masked(&decoded, &box_, color), "{color:?} {box_:?}");
            }
        }
    }

    /// Issue 30 item 2: a region set to the original times 40/255 (or darker still) passed as
    /// masked; stretching its contrast shows the name.
    #[test]
    fn a_see_through_mask_is_not_a_mask() {
        let box_ = rect(41.0, 37.0, 259.0, 161.0);
        for factor in [40u16, 16, 9] {
            let mut page = page_with_writing();
            for (x, y) in box_.touched_pixels(0.0, 300, 200) {
                let p = page.get_pixel_mut(x, y);
                p.0 = p.0.map(|c| (u16::from(c) * factor / 255) as u8);
            }
            let decoded = through_jpeg(&page);
            let black = Rgb([0, 0, 0]);
            assert!(
                !is_masked(&decoded, &box_, black),
                "original x {factor}/255"
            );
        }
    }

    #[test]
    fn a_disc_is_painted_as_a_disc() {
        let mut page = RgbImage::from_pixel(100, 100, Rgb([250, 250, 250]));
        let disc = Shape::ellipse(&Ellipse::filling(&Rect::new(20.0, 20.0, 80.0, 80.0)));
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
