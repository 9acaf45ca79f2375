//! Encoding masked pages as raster images, without any metadata of the original.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

use crate::error::{Error, Result};
use crate::intake::FileKind;
use crate::pages::Page;

/// The output format for an input image: JPEG stays JPEG, TIFF stays TIFF, everything else
/// (PNG, BMP, WebP) becomes PNG.
pub fn output_extension(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Jpeg => "jpg",
        FileKind::Tiff => "tif",
        FileKind::Pdf => "pdf",
        FileKind::Png | FileKind::Bmp | FileKind::Webp => "png",
    }
}

/// Pixels of a page, in greyscale when the source had no colour.
fn pixels(page: &Page) -> DynamicImage {
    let rgb = DynamicImage::ImageRgb8(page.pixels.clone());
    if page.greyscale {
        DynamicImage::ImageLuma8(rgb.to_luma8())
    } else {
        rgb
    }
}

/// JPEG bytes of a page (4:2:0 chroma, no EXIF or other metadata is written).
pub fn encode_jpeg(page: &Page, quality: u8) -> Result<Vec<u8>> {
    let (w, h) = page.pixels.dimensions();
    let (w, h) = match (u16::try_from(w), u16::try_from(h)) {
        (Ok(w), Ok(h)) => (w, h),
        _ => {
            return Err(Error::Encode {
                what: "JPEG",
                detail: format!("{w}x{h} pixels is too large for JPEG"),
                source: None,
            })
        }
    };
    let mut out = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut out, quality);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
    let encoded = if page.greyscale {
        let grey = image::imageops::grayscale(&page.pixels);
        encoder.encode(grey.as_raw(), w, h, jpeg_encoder::ColorType::Luma)
    } else {
        encoder.encode(page.pixels.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
    };
    encoded.map_err(|e| Error::encoder("JPEG", e))?;
    Ok(out)
}

/// Encodes all pages of an input image into one output file of the matching format.
pub fn encode(pages: &[Page], kind: FileKind, quality: u8) -> Result<Vec<u8>> {
    match kind {
        FileKind::Jpeg => encode_jpeg(&pages[0], quality),
        FileKind::Tiff => encode_tiff(pages),
        _ => {
            let mut out = Cursor::new(Vec::new());
            pixels(&pages[0])
                .write_to(&mut out, ImageFormat::Png)
                .map_err(|e| Error::encoder("PNG", e))?;
            Ok(out.into_inner())
        }
    }
}

/// A TIFF with one Deflate-compressed image per page.
fn encode_tiff(pages: &[Page]) -> Result<Vec<u8>> {
    use tiff::encoder::{colortype, Compression, DeflateLevel, TiffEncoder};
    let fail = |e: tiff::TiffError| Error::encoder("TIFF", e);
    let mut out = Cursor::new(Vec::new());
    let mut encoder = TiffEncoder::new(&mut out)
        .map_err(fail)?
        .with_compression(Compression::Deflate(DeflateLevel::default()));
    for page in pages {
        let (w, h) = page.pixels.dimensions();
        match pixels(page) {
            DynamicImage::ImageLuma8(grey) => encoder
                .write_image::<colortype::Gray8>(w, h, grey.as_raw())
                .map_err(fail)?,
            other => encoder
                .write_image::<colortype::RGB8>(w, h, other.to_rgb8().as_raw())
                .map_err(fail)?,
        }
    }
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::RgbImage;

    fn page(grey: bool) -> Page {
        Page {
            number: 1,
            pixels: RgbImage::from_pixel(40, 30, image::Rgb([10, 200, 30])),
            greyscale: grey,
            text: None,
        }
    }

    #[test]
    fn formats_round_trip() {
        let jpg = encode(&[page(false)], FileKind::Jpeg, 90).unwrap();
        assert_eq!(image::guess_format(&jpg).unwrap(), ImageFormat::Jpeg);
        let png = encode(&[page(true)], FileKind::Bmp, 90).unwrap();
        let decoded = image::load_from_memory(&png).unwrap();
        assert_eq!(decoded.color(), image::ColorType::L8);
        let tif = encode(&[page(false), page(true)], FileKind::Tiff, 90).unwrap();
        let pages =
            crate::pages::image_file::decode(&tif, FileKind::Tiff, &Default::default()).unwrap();
        assert_eq!(pages.len(), 2);
    }
}
