//! Decoding raster images: EXIF orientation applied; greyscale, CMYK, 16-bit, alpha and
//! multi-page TIFF handled.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage};

use super::{Limits, Page};
use crate::error::PageError;
use crate::intake::FileKind;

/// An image file whose pages are decoded one at a time (a 500-page TIFF never holds more than
/// one page in memory).
pub struct ImageFile {
    bytes: Vec<u8>,
    kind: FileKind,
    pages: usize,
}

impl ImageFile {
    /// Opens an image file held in `bytes`: counts its pages (a TIFF's directories, without
    /// decoding them) within the page limit.
    pub fn open(bytes: Vec<u8>, kind: FileKind, limits: &Limits) -> Result<ImageFile, PageError> {
        let pages = if kind == FileKind::Tiff {
            count_tiff_pages(&bytes, limits)?
        } else {
            1
        };
        Ok(ImageFile { bytes, kind, pages })
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.pages
    }

    /// Decodes page `number` (1-based).
    pub fn page(&self, number: usize, limits: &Limits) -> Result<Page, PageError> {
        if number == 0 || number > self.pages {
            return Err(PageError::Unrenderable(format!("no page {number}")));
        }
        if self.pages > 1 {
            return decode_tiff_page(&self.bytes, number, limits);
        }
        decode_single(&self.bytes, limits)
    }

    /// The file's bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.bytes
    }

    /// Why the file may be incomplete although it decodes (see [`incompleteness`]).
    pub fn incompleteness(&self) -> Option<String> {
        incompleteness(&self.bytes, self.kind)
    }
}

/// Decodes every page of an image file held in `bytes` (for tests).
#[cfg(test)]
pub(crate) fn decode(
    bytes: &[u8],
    kind: FileKind,
    limits: &Limits,
) -> Result<Vec<Page>, PageError> {
    let file = ImageFile::open(bytes.to_vec(), kind, limits)?;
    (1..=file.page_count())
        .map(|number| file.page(number, limits))
        .collect()
}

/// Why an image that decoded may still be incomplete: a JPEG without its end marker decodes
/// leniently, with the bottom of the page grey or missing.
pub fn incompleteness(bytes: &[u8], kind: FileKind) -> Option<String> {
    let tail = &bytes[bytes.len().saturating_sub(4096)..];
    let has_end = tail.windows(2).any(|w| w == [0xFF, 0xD9]);
    (kind == FileKind::Jpeg && !has_end)
        .then(|| "truncated JPEG: part of the page may be missing".to_string())
}

/// Why a decoded JPEG page looks damaged: a decoder that meets corrupt data (a flipped bit, a
/// marker where none belongs) stops and fills the rest of the page by repeating its last blocks,
/// so the bottom rows repeat, exactly, every 8 or 16 rows. No scan does that (its noise differs
/// from row to row) except blank white paper, which is left alone.
pub fn damage(page: &Page, kind: FileKind) -> Option<String> {
    if kind != FileKind::Jpeg {
        return None;
    }
    let (w, h) = page.pixels.dimensions();
    let stride = w as usize * 3;
    let raw = page.pixels.as_raw();
    let row = |y: u32| &raw[y as usize * stride..(y as usize + 1) * stride];
    let repeated = |period: u32| {
        let mut y = h.saturating_sub(period + 1);
        let mut rows = 0;
        while h > period && row(y) == row(y + period) {
            rows += 1;
            if y == 0 {
                break;
            }
            y -= 1;
        }
        rows + period
    };
    let band = [8, 16].map(repeated).into_iter().max().unwrap_or(0).min(h);
    if band < MIN_DAMAGED_ROWS.max(h / 20) {
        return None;
    }
    let paper = (h - band..h).all(|y| row(y).iter().all(|&v| v >= PAPER));
    (!paper).then(|| {
        format!(
            "damaged JPEG: the bottom {}% of the page repeats the same blocks, as a decoder fills \
             what it could not read; check the original file",
            band * 100 / h
        )
    })
}

/// Fewest repeating rows at the bottom of a page that make it look damaged (and at least a
/// twentieth of the page).
const MIN_DAMAGED_ROWS: u32 = 32;
/// Blank paper: every channel at least this bright.
const PAPER: u8 = 240;

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

fn tiff_error(e: tiff::TiffError) -> PageError {
    PageError::Undecodable(format!("cannot decode TIFF: {e}"))
}

/// Counts the pages (image directories) of a TIFF file, refusing more than the limit.
fn count_tiff_pages(bytes: &[u8], limits: &Limits) -> Result<usize, PageError> {
    let mut decoder = tiff::decoder::Decoder::new(Cursor::new(bytes)).map_err(tiff_error)?;
    let mut pages = 1;
    while decoder.more_images() {
        pages += 1;
        limits.check_pages(pages)?;
        decoder.next_image().map_err(tiff_error)?;
    }
    Ok(pages)
}

/// Decodes page `number` (1-based) of a TIFF file.
fn decode_tiff_page(bytes: &[u8], number: usize, limits: &Limits) -> Result<Page, PageError> {
    use tiff::decoder::{Decoder, DecodingResult};
    use tiff::ColorType;

    let mut decoder = Decoder::new(Cursor::new(bytes)).map_err(tiff_error)?;
    decoder.seek_to_image(number - 1).map_err(tiff_error)?;
    let (w, h) = decoder.dimensions().map_err(tiff_error)?;
    limits.check_size(w.into(), h.into())?;
    let color = decoder.colortype().map_err(tiff_error)?;
    let data = decoder.read_image().map_err(tiff_error)?;
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
                "TIFF page {number} uses an unsupported colour type {other:?}"
            )))
        }
    }
    .ok_or_else(|| PageError::Undecodable(format!("TIFF page {number} is truncated")))?;
    Ok(page_from(number, image))
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

    /// A noisy scan-like page, JPEG-encoded, with the bytes from `cut` on replaced by an end
    /// marker: the decoder stops where the data ends and fills the rest.
    fn broken_jpeg(cut: f64) -> Vec<u8> {
        let mut seed: u32 = 7;
        let page = RgbImage::from_fn(400, 500, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let v = 190 + ((seed >> 16) % 60) as u8;
            image::Rgb([v, v, v.saturating_sub(10)])
        });
        let jpg = encode(DynamicImage::ImageRgb8(page), image::ImageFormat::Jpeg);
        let mut cut = jpg[..(jpg.len() as f64 * cut) as usize].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        cut
    }

    /// Issue 30 item 7: a JPEG whose data breaks off (or holds a flipped bit) decodes to a page
    /// whose rest repeats the last blocks; it is flagged, a whole scan and white paper are not.
    #[test]
    fn a_jpeg_whose_decoder_filled_the_rest_looks_damaged() {
        let page = |bytes: &[u8]| decode(bytes, FileKind::Jpeg, &Limits::default()).unwrap();
        let whole = broken_jpeg(1.0);
        assert_eq!(damage(&page(&whole)[0], FileKind::Jpeg), None);
        assert!(incompleteness(&broken_jpeg(0.4), FileKind::Jpeg).is_none());
        let reason = damage(&page(&broken_jpeg(0.4))[0], FileKind::Jpeg).unwrap();
        assert!(reason.contains("damaged JPEG"), "{reason}");
        let grey = DynamicImage::ImageRgb8(RgbImage::from_pixel(400, 500, image::Rgb([128; 3])));
        let grey = encode(grey, image::ImageFormat::Jpeg);
        assert!(damage(&page(&grey)[0], FileKind::Jpeg).is_some());
        let paper = DynamicImage::ImageRgb8(RgbImage::from_pixel(400, 500, image::Rgb([255; 3])));
        let paper = encode(paper, image::ImageFormat::Jpeg);
        assert_eq!(damage(&page(&paper)[0], FileKind::Jpeg), None);
        assert_eq!(damage(&page(&whole)[0], FileKind::Png), None);
    }
}
