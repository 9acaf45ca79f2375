//! Decoding raster images: EXIF orientation applied; greyscale, CMYK, 16-bit, alpha and
//! multi-page TIFF handled.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use super::{Limits, Page};
use crate::error::PageError;
use crate::intake::FileKind;

/// Decodes every page of an image file held in `bytes`.
pub fn decode(bytes: &[u8], kind: FileKind, limits: &Limits) -> Result<Vec<Page>, PageError> {
    if kind == FileKind::Tiff {
        let pages = decode_tiff_pages(bytes, limits)?;
        if pages.len() > 1 {
            return Ok(pages);
        }
    }
    decode_single(bytes, limits).map(|page| vec![page])
}

/// Why an image that decoded may still be incomplete: a JPEG without its end marker decodes
/// leniently, with the bottom of the page grey or missing.
pub fn incompleteness(bytes: &[u8], kind: FileKind) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    let has_end = tail.windows(2).any(|w| w == [0xFF, 0xD9]);
    (kind == FileKind::Jpeg && !has_end)
        .then(|| "truncated JPEG: part of the page may be missing".to_string())
}

fn decode_single(bytes: &[u8], limits: &Limits) -> Result<Page, PageError> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PageError::Undecodable(e.to_string()))?;
    let mut decoder = reader.into_decoder().map_err(describe)?;
    let (w, h) = decoder.dimensions();
    limits.check_size(w.into(), h.into())?;
    let orientation = decoder.orientation().map_err(describe)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(describe)?;
    image.apply_orientation(orientation);
    Ok(page_from(1, image))
}

/// Turns any decoded image into an RGB page, flattening alpha onto white.
fn page_from(number: usize, image: DynamicImage) -> Page {
    let greyscale = !image.color().has_color();
    let pixels = if image.color().has_alpha() {
        flatten_on_white(&image)
    } else {
        image.to_rgb8()
    };
    Page {
        number,
        pixels,
        greyscale,
        text: None,
    }
}

fn flatten_on_white(image: &DynamicImage) -> RgbImage {
    let rgba = image.to_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let p = rgba.get_pixel(x, y).0;
        let a = u16::from(p[3]);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a)) / 255) as u8;
        image::Rgb([blend(p[0]), blend(p[1]), blend(p[2])])
    })
}

fn describe(e: image::ImageError) -> PageError {
    PageError::Undecodable(match e {
        image::ImageError::Limits(l) => format!("image exceeds decoding limits: {l}"),
        other => format!("cannot decode image: {other}"),
    })
}

/// Decodes each page (IFD) of a TIFF file.
fn decode_tiff_pages(bytes: &[u8], limits: &Limits) -> Result<Vec<Page>, PageError> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::ColorType;

    let tiff_err = |e: tiff::TiffError| PageError::Undecodable(format!("cannot decode TIFF: {e}"));
    let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff_err)?;
    let mut pages = Vec::new();
    loop {
        limits.check_pages(pages.len() + 1)?;
        let (w, h) = decoder.dimensions().map_err(tiff_err)?;
        limits.check_size(w.into(), h.into())?;
        let color = decoder.colortype().map_err(tiff_err)?;
        let data = decoder.read_image().map_err(tiff_err)?;
        let image = match (color, data) {
            (ColorType::Gray(8), DecodingResult::U8(v)) => {
                image::GrayImage::from_raw(w, h, v).map(DynamicImage::ImageLuma8)
            }
            (ColorType::Gray(1), DecodingResult::U8(v)) => {
                Some(DynamicImage::ImageLuma8(unpack_bilevel(w, h, &v)))
            }
            (ColorType::Gray(16), DecodingResult::U16(v)) => {
                image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageLuma16)
            }
            (ColorType::GrayA(8), DecodingResult::U8(v)) => {
                image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageLumaA8)
            }
            (ColorType::RGB(8), DecodingResult::U8(v)) => {
                RgbImage::from_raw(w, h, v).map(DynamicImage::ImageRgb8)
            }
            (ColorType::RGB(16), DecodingResult::U16(v)) => {
                image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageRgb16)
            }
            (ColorType::RGBA(8), DecodingResult::U8(v)) => {
                image::RgbaImage::from_raw(w, h, v).map(DynamicImage::ImageRgba8)
            }
            (ColorType::RGBA(16), DecodingResult::U16(v)) => {
                image::ImageBuffer::from_raw(w, h, v).map(DynamicImage::ImageRgba16)
            }
            (ColorType::CMYK(8), DecodingResult::U8(v)) => {
                Some(DynamicImage::ImageRgb8(cmyk_to_rgb(w, h, &v)))
            }
            (other, _) => {
                return Err(PageError::Undecodable(format!(
                    "TIFF page {} uses an unsupported colour type {other:?}",
                    pages.len() + 1
                )))
            }
        }
        .ok_or_else(|| {
            PageError::Undecodable(format!("TIFF page {} is truncated", pages.len() + 1))
        })?;
        pages.push(page_from(pages.len() + 1, image));
        if !decoder.more_images() {
            return Ok(pages);
        }
        decoder.next_image().map_err(tiff_err)?;
    }
}

/// Expands 1-bit rows (0 = black, as the tiff crate reports WhiteIsZero already inverted).
fn unpack_bilevel(w: u32, h: u32, packed: &[u8]) -> image::GrayImage {
    let row_bytes = w.div_ceil(8) as usize;
    image::GrayImage::from_fn(w, h, |x, y| {
        let byte = packed
            .get(y as usize * row_bytes + x as usize / 8)
            .copied()
            .unwrap_or(0xFF);
        let bit = (byte >> (7 - (x % 8))) & 1;
        image::Luma([if bit == 1 { 255 } else { 0 }])
    })
}

fn cmyk_to_rgb(w: u32, h: u32, cmyk: &[u8]) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        let i = 4 * (y as usize * w as usize + x as usize);
        let k = 255 - u16::from(cmyk.get(i + 3).copied().unwrap_or(0));
        let channel =
            |c: usize| ((255 - u16::from(cmyk.get(i + c).copied().unwrap_or(0))) * k / 255) as u8;
        image::Rgb([channel(0), channel(1), channel(2)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(image: DynamicImage, format: image::ImageFormat) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        image.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn alpha_is_flattened_on_white() {
        let rgba = image::RgbaImage::from_pixel(4, 3, image::Rgba([0, 0, 0, 0]));
        let png = encode(DynamicImage::ImageRgba8(rgba), image::ImageFormat::Png);
        let pages = decode(&png, FileKind::Png, &Limits::default()).unwrap();
        assert_eq!(pages[0].pixels.get_pixel(1, 1).0, [255, 255, 255]);
    }

    #[test]
    fn greyscale_16_bit_is_marked_grey() {
        let grey =
            image::ImageBuffer::<image::Luma<u16>, _>::from_pixel(5, 5, image::Luma([65535]));
        let png = encode(DynamicImage::ImageLuma16(grey), image::ImageFormat::Png);
        let pages = decode(&png, FileKind::Png, &Limits::default()).unwrap();
        assert!(pages[0].greyscale);
        assert_eq!(pages[0].pixels.get_pixel(0, 0).0, [255, 255, 255]);
    }

    #[test]
    fn pixel_limit_is_enforced_before_decoding() {
        let png = encode(
            DynamicImage::ImageRgb8(RgbImage::new(100, 100)),
            image::ImageFormat::Png,
        );
        let limits = Limits {
            max_pixels: 50,
            ..Limits::default()
        };
        assert!(matches!(
            decode(&png, FileKind::Png, &limits),
            Err(PageError::TooLarge { .. })
        ));
    }

    #[test]
    fn jpeg_without_end_marker_is_flagged() {
        let jpg = encode(
            DynamicImage::ImageRgb8(RgbImage::new(64, 64)),
            image::ImageFormat::Jpeg,
        );
        assert!(incompleteness(&jpg, FileKind::Jpeg).is_none());
        assert!(incompleteness(&jpg[..jpg.len() / 2], FileKind::Jpeg).is_some());
    }

    #[test]
    fn truncated_image_is_an_error() {
        let png = encode(
            DynamicImage::ImageRgb8(RgbImage::new(64, 64)),
            image::ImageFormat::Png,
        );
        assert!(decode(&png[..png.len() / 2], FileKind::Png, &Limits::default()).is_err());
    }
}
