//! Encoding masked pages as raster images, without any metadata of the original.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat};

use crate::error::{Error, Result};
use crate::intake::FileKind;
use crate::pages::Page;

/// The output format for an input image: JPEG stays JPEG, TIFF stays TIFF, everything else
/// (PNG, BMP, WebP, GIF) becomes PNG.
pub fn output_extension(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Jpeg => "jpg",
        FileKind::Tiff => "tif",
        FileKind::Pdf => "pdf",
        FileKind::Png | FileKind::Bmp | FileKind::Webp | FileKind::Gif => "png",
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
    let mut out = Cursor::new(Vec::new());
    {
        let mut encoder = PageEncoder::new(&mut out, kind, quality)?;
        for page in pages {
            encoder.add(page)?;
        }
    }
    Ok(out.into_inner())
}

/// Writes the pages of an input image into `out` one at a time, in the output format for its
/// kind: one JPEG or PNG page, or a TIFF with one Deflate-compressed image per page.
pub enum PageEncoder<'a> {
    /// A TIFF, any number of pages.
    Tiff(tiff::encoder::TiffEncoder<&'a mut Cursor<Vec<u8>>>),
    /// A JPEG (`quality`) or PNG of one page, written by the first [`PageEncoder::add`].
    Single {
        /// Where the page goes.
        out: &'a mut Cursor<Vec<u8>>,
        /// JPEG or PNG.
        kind: FileKind,
        /// JPEG quality.
        quality: u8,
    },
}

impl<'a> PageEncoder<'a> {
    /// An encoder writing the output for an input of `kind` into `out`.
    pub fn new(out: &'a mut Cursor<Vec<u8>>, kind: FileKind, quality: u8) -> Result<Self> {
        use tiff::encoder::{Compression, DeflateLevel, TiffEncoder};
        Ok(match kind {
            FileKind::Tiff => PageEncoder::Tiff(
                TiffEncoder::new(out)
                    .map_err(|e| Error::encoder("TIFF", e))?
                    .with_compression(Compression::Deflate(DeflateLevel::default())),
            ),
            kind => PageEncoder::Single { out, kind, quality },
        })
    }

    /// Encodes the next page.
    pub fn add(&mut self, page: &Page) -> Result<()> {
        match self {
            PageEncoder::Tiff(encoder) => {
                use tiff::encoder::colortype;
                let fail = |e: tiff::TiffError| Error::encoder("TIFF", e);
                let (w, h) = page.pixels.dimensions();
                match pixels(page) {
                    DynamicImage::ImageLuma8(grey) => encoder
                        .write_image::<colortype::Gray8>(w, h, grey.as_raw())
                        .map_err(fail),
                    other => encoder
                        .write_image::<colortype::RGB8>(w, h, other.to_rgb8().as_raw())
                        .map_err(fail),
                }
            }
            PageEncoder::Single { out, kind, quality } => {
                if !out.get_ref().is_empty() {
                    return Err(Error::Encode {
                        what: "image",
                        detail: "a JPEG or PNG holds one page".into(),
                        source: None,
                    });
                }
                if *kind == FileKind::Jpeg {
                    let jpeg = encode_jpeg(page, *quality)?;
                    out.get_mut().extend_from_slice(&jpeg);
                    return Ok(());
                }
                pixels(page)
                    .write_to(&mut **out, ImageFormat::Png)
                    .map_err(|e| Error::encoder("PNG", e))
            }
        }
    }
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
