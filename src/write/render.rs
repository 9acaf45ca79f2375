//! The one renderer: an original page plus what covers it becomes output bytes — masks painted,
//! pages encoded without metadata, PDFs assembled from page images — and what was written is read
//! back and checked to hold every mask (the sanity check) before its SHA-256 is taken. The batch,
//! `check`, `audit` and the web app all make outputs through it.

use image::{Rgb, RgbImage};

use super::manifest::{ManifestLine, ManifestRegion};
use super::pdf::PdfPage;
use super::{pdf, preview, raster};
use crate::error::PageError;
use crate::geometry::Shape;
use crate::intake::FileKind;
use crate::mask;
use crate::models::sha256_bytes;
use crate::pages::image_file::ImageFile;
use crate::pages::{Limits, Page};

/// How outputs are written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OutputOptions {
    /// Resolution PDF pages are rendered at (and placed in output PDFs at).
    pub dpi: u32,
    /// JPEG quality of JPEG outputs and PDF pages (1-100).
    pub jpeg_quality: u8,
    /// Colour of the masks.
    pub mask_color: Rgb<u8>,
    /// Largest output file wanted, in bytes: a JPEG or PDF output over it is encoded again at
    /// lower JPEG qualities until it fits or the lowest is reached (its pixels, and so its
    /// masks' places, unchanged).
    pub max_file_bytes: Option<u64>,
}

impl OutputOptions {
    /// The JPEG qualities below the run's own to try in turn while an output does not fit.
    fn smaller_qualities(&self) -> impl Iterator<Item = u8> + '_ {
        SMALLER_QUALITIES
            .into_iter()
            .filter(|&q| q < self.jpeg_quality)
    }

    /// Whether `bytes` fit under `max_file_bytes` (always, without one).
    fn fits(&self, bytes: &[u8]) -> bool {
        self.max_file_bytes
            .is_none_or(|max| bytes.len() as u64 <= max)
    }
}

/// A size limit as people and platforms give it, in MB, in bytes; none unless above 0.
pub fn megabytes(mb: f64) -> Option<u64> {
    (mb.is_finite() && mb > 0.0).then_some((mb * 1e6) as u64)
}

/// The lower JPEG qualities tried to fit an output under a size limit; the lowest still keeps
/// printed text legible at 200 dpi.
const SMALLER_QUALITIES: [u8; 4] = [75, 60, 45, 35];

impl Default for OutputOptions {
    fn default() -> Self {
        OutputOptions {
            dpi: crate::pages::DEFAULT_DPI,
            jpeg_quality: 90,
            mask_color: Rgb([0, 0, 0]),
            max_file_bytes: None,
        }
    }
}

/// What covers one page: its regions, or all of it when the page is withheld.
#[derive(Debug, Clone)]
pub struct Masks {
    /// The regions to paint.
    pub regions: Vec<ManifestRegion>,
    /// Paint the whole page (its analysis failed).
    pub withheld: bool,
}

impl From<&ManifestLine> for Masks {
    fn from(line: &ManifestLine) -> Masks {
        Masks {
            regions: line.regions.clone(),
            withheld: line.withheld,
        }
    }
}

impl Masks {
    /// The shapes to paint on a `width x height` page.
    pub fn shapes(&self, width: u32, height: u32) -> Vec<Shape> {
        if self.withheld {
            return vec![Shape::pixel_box([0, 0, width, height])];
        }
        self.regions.iter().map(ManifestRegion::shape).collect()
    }
}

/// A finished output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The file's bytes.
    pub bytes: Vec<u8>,
    /// Their SHA-256, hex.
    pub sha256: String,
}

impl Rendered {
    fn new(bytes: Vec<u8>) -> Rendered {
        let sha256 = sha256_bytes(&bytes);
        Rendered { bytes, sha256 }
    }
}

/// Paints the masks onto an original page.
pub fn paint(page: &mut Page, masks: &Masks, color: Rgb<u8>) {
    let (w, h) = page.pixels.dimensions();
    mask::paint(&mut page.pixels, &masks.shapes(w, h), color);
}

/// One page of an output PDF: the original page masked and encoded as JPEG, decoded again and
/// checked.
pub fn pdf_page(
    mut page: Page,
    masks: &Masks,
    options: &OutputOptions,
) -> Result<PdfPage, PageError> {
    paint(&mut page, masks, options.mask_color);
    checked_jpeg(&page, masks, options.jpeg_quality, options)
}

/// A painted page encoded as JPEG at `quality`, decoded again and checked to hold its masks.
fn checked_jpeg(
    page: &Page,
    masks: &Masks,
    quality: u8,
    options: &OutputOptions,
) -> Result<PdfPage, PageError> {
    let jpeg = raster::encode_jpeg(page, quality).map_err(output_error)?;
    let decoded = decode_jpeg(&jpeg)?;
    verify(&decoded, masks, page.greyscale, options)?;
    Ok(PdfPage {
        jpeg,
        width: page.pixels.width(),
        height: page.pixels.height(),
        greyscale: page.greyscale,
    })
}

fn decode_jpeg(jpeg: &[u8]) -> Result<RgbImage, PageError> {
    image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg)
        .map(|decoded| decoded.to_rgb8())
        .map_err(|e| PageError::Output(format!("written page cannot be decoded: {e}")))
}

/// The stand-in for a PDF page that could not be rendered: an A4 page at the output resolution,
/// withheld (painted over whole), so that page numbers stay aligned.
pub fn placeholder(number: usize, options: &OutputOptions) -> Page {
    let (w, h) = (options.dpi * 827 / 100, options.dpi * 1169 / 100);
    Page {
        number,
        pixels: RgbImage::from_pixel(w, h, options.mask_color),
        greyscale: false,
        text: None,
    }
}

/// An image-only PDF of the pages (each with the masks painted on it), read back and checked to
/// hold exactly those page images. Over the size limit, the pages are encoded again at lower
/// qualities, each checked to hold its masks, until it fits.
pub fn assemble_pdf(
    pages: &[PdfPage],
    masks: &[Masks],
    options: &OutputOptions,
) -> Result<Rendered, PageError> {
    let mut rendered = pdf_of(pages, options)?;
    for quality in options.smaller_qualities() {
        if options.fits(&rendered.bytes) {
            break;
        }
        let smaller = pages
            .iter()
            .zip(masks)
            .map(|(page, masks)| {
                let painted = Page {
                    number: 0,
                    pixels: decode_jpeg(&page.jpeg)?,
                    greyscale: page.greyscale,
                    text: None,
                };
                checked_jpeg(&painted, masks, quality, options)
            })
            .collect::<Result<Vec<_>, _>>()?;
        rendered = pdf_of(&smaller, options)?;
    }
    Ok(rendered)
}

/// The PDF of the pages, read back and checked to hold exactly those page images.
fn pdf_of(pages: &[PdfPage], options: &OutputOptions) -> Result<Rendered, PageError> {
    let bytes = pdf::build(pages, options.dpi as f32).map_err(output_error)?;
    let images = pdf::page_images(&bytes).map_err(output_error)?;
    let intact = images.len() == pages.len()
        && images
            .iter()
            .zip(pages)
            .all(|(written, page)| *written == page.jpeg);
    if !intact {
        return Err(PageError::Output(
            "written PDF does not hold the masked page images".into(),
        ));
    }
    Ok(Rendered::new(bytes))
}

/// The output of an image file (same format family as the input): each page that `pages` yields
/// is masked and encoded as it comes (one page in memory at a time), then the file is decoded
/// again, page by page, and checked.
pub fn image_file(
    pages: impl Iterator<Item = Result<(Page, Masks), PageError>>,
    kind: FileKind,
    options: &OutputOptions,
) -> Result<Rendered, PageError> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut painted = Vec::new();
    {
        let mut encoder =
            raster::PageEncoder::new(&mut out, kind, options.jpeg_quality).map_err(output_error)?;
        for next in pages {
            let (mut page, masks) = next?;
            paint(&mut page, &masks, options.mask_color);
            encoder.add(&page).map_err(output_error)?;
            painted.push((masks, page.greyscale));
        }
    }
    let bytes = out.into_inner();
    let unlimited = Limits {
        max_pixels: u64::MAX,
        max_pages: usize::MAX,
    };
    let written_kind = FileKind::sniff(&bytes)?;
    let written = ImageFile::open(bytes, written_kind, &unlimited)?;
    if written.page_count() != painted.len() {
        return Err(PageError::Output(format!(
            "written file has {} pages instead of {}",
            written.page_count(),
            painted.len()
        )));
    }
    // A single page stays decoded: it is what a JPEG over the size limit is encoded again from.
    let mut single = None;
    for (number, (masks, greyscale)) in painted.iter().enumerate() {
        if number > 0 {
            crate::platform::release_freed_memory();
        }
        let page = written.page(number + 1, &unlimited)?;
        verify(&page.pixels, masks, *greyscale, options)?;
        if painted.len() == 1 {
            single = Some(page);
        }
    }
    let mut bytes = written.into_bytes();
    if let (Some(mut page), [(masks, greyscale)], FileKind::Jpeg) =
        (single, painted.as_slice(), written_kind)
    {
        if !options.fits(&bytes) {
            page.greyscale = *greyscale;
            for quality in options.smaller_qualities() {
                bytes = checked_jpeg(&page, masks, quality, options)?.jpeg;
                if options.fits(&bytes) {
                    break;
                }
            }
        }
    }
    Ok(Rendered::new(bytes))
}

/// A preview of an original page: its regions outlined and labelled, not painted.
pub fn preview(page: &Page, regions: &[ManifestRegion]) -> Result<Vec<u8>, PageError> {
    let mut outlined = Page {
        number: page.number,
        pixels: page.pixels.clone(),
        greyscale: false,
        text: None,
    };
    preview::outline(&mut outlined.pixels, regions, 1.0, true);
    raster::encode_jpeg(&outlined, PREVIEW_QUALITY).map_err(output_error)
}

/// JPEG quality of previews: enough to read the page and the tags.
const PREVIEW_QUALITY: u8 = 80;

/// The sanity check: every mask is there in the pixels as written.
fn verify(
    written: &RgbImage,
    masks: &Masks,
    greyscale: bool,
    options: &OutputOptions,
) -> Result<(), PageError> {
    let color = mask::as_written(options.mask_color, greyscale);
    let (w, h) = written.dimensions();
    match masks
        .shapes(w, h)
        .into_iter()
        .find(|shape| !mask::is_masked(written, shape, color))
    {
        Some(shape) => Err(PageError::Output(format!(
            "mask {:?} is missing from the written page",
            shape.bbox().to_pixels(w, h)
        ))),
        None => Ok(()),
    }
}

fn output_error(e: crate::Error) -> PageError {
    PageError::Output(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::{Evidence, Kind};

    fn page(number: usize, greyscale: bool) -> Page {
        Page {
            number,
            pixels: RgbImage::from_pixel(120, 80, Rgb([240, 230, 220])),
            greyscale,
            text: None,
        }
    }

    fn region(bbox: [u32; 4]) -> ManifestRegion {
        ManifestRegion {
            kind: Kind::Name,
            bbox,
            poly: Vec::new(),
            evidence: Evidence::Roster,
        }
    }

    #[test]
    fn images_come_out_masked_and_hashed() {
        let masks = Masks {
            regions: vec![region([10, 10, 60, 40])],
            withheld: false,
        };
        for kind in [FileKind::Jpeg, FileKind::Png, FileKind::Tiff] {
            let pages = [Ok((page(1, false), masks.clone()))].into_iter();
            let rendered = image_file(pages, kind, &OutputOptions::default()).unwrap();
            assert_eq!(rendered.sha256, sha256_bytes(&rendered.bytes));
            let back = image::load_from_memory(&rendered.bytes).unwrap().to_rgb8();
            assert!(mask::is_masked(
                &back,
                &Shape::pixel_box([10, 10, 60, 40]),
                Rgb([0, 0, 0])
            ));
            assert!(!mask::is_masked(
                &back,
                &Shape::pixel_box([70, 10, 110, 40]),
                Rgb([0, 0, 0])
            ));
        }
    }

    /// A page of fine noise, which JPEG cannot make small at a high quality.
    fn noisy_page() -> Page {
        let pixels = RgbImage::from_fn(400, 300, |x, y| {
            let v = ((x * 7919 + y * 104_729) % 251) as u8;
            Rgb([v, v.wrapping_mul(3), v.wrapping_mul(7)])
        });
        Page {
            number: 1,
            pixels,
            greyscale: false,
            text: None,
        }
    }

    #[test]
    fn outputs_over_the_size_limit_are_encoded_smaller_with_their_masks() {
        let masks = Masks {
            regions: vec![region([10, 10, 60, 40])],
            withheld: false,
        };
        let free = OutputOptions::default();
        let full = image_file(
            [Ok((noisy_page(), masks.clone()))].into_iter(),
            FileKind::Jpeg,
            &free,
        )
        .unwrap();
        let limited = OutputOptions {
            max_file_bytes: Some(full.bytes.len() as u64 / 2),
            ..free
        };
        let small = image_file(
            [Ok((noisy_page(), masks.clone()))].into_iter(),
            FileKind::Jpeg,
            &limited,
        )
        .unwrap();
        assert!(
            small.bytes.len() * 2 <= full.bytes.len(),
            "{} of {}",
            small.bytes.len(),
            full.bytes.len()
        );
        let back = image::load_from_memory(&small.bytes).unwrap().to_rgb8();
        assert_eq!(back.dimensions(), (400, 300));
        assert!(mask::is_masked(
            &back,
            &Shape::pixel_box([10, 10, 60, 40]),
            Rgb([0, 0, 0])
        ));

        let page = pdf_page(noisy_page(), &masks, &free).unwrap();
        let full = assemble_pdf(
            std::slice::from_ref(&page),
            std::slice::from_ref(&masks),
            &free,
        )
        .unwrap();
        let limited = OutputOptions {
            max_file_bytes: Some(full.bytes.len() as u64 / 2),
            ..free
        };
        let small = assemble_pdf(&[page], &[masks], &limited).unwrap();
        assert!(
            small.bytes.len() * 2 <= full.bytes.len(),
            "{} of {}",
            small.bytes.len(),
            full.bytes.len()
        );
        assert_eq!(pdf::page_images(&small.bytes).unwrap().len(), 1);
    }

    #[test]
    fn coloured_masks_on_greyscale_pages_pass_the_check() {
        let options = OutputOptions {
            mask_color: Rgb([200, 0, 0]),
            ..OutputOptions::default()
        };
        let masks = Masks {
            regions: vec![region([10, 10, 60, 40])],
            withheld: false,
        };
        assert!(pdf_page(page(1, true), &masks, &options).is_ok());
    }

    #[test]
    fn withheld_pages_are_covered_whole_and_pdfs_hold_their_pages() {
        let options = OutputOptions::default();
        let withheld = Masks {
            regions: Vec::new(),
            withheld: true,
        };
        let first = pdf_page(page(1, false), &withheld, &options).unwrap();
        let back = image::load_from_memory(&first.jpeg).unwrap().to_rgb8();
        assert!(mask::is_masked(
            &back,
            &Shape::pixel_box([0, 0, 120, 80]),
            Rgb([0, 0, 0])
        ));
        let second = pdf_page(placeholder(2, &options), &withheld, &options).unwrap();
        assert_eq!((second.width, second.height), (1654, 2338));
        let rendered =
            assemble_pdf(&[first, second], &[withheld.clone(), withheld], &options).unwrap();
        assert_eq!(pdf::page_images(&rendered.bytes).unwrap().len(), 2);
    }

    #[test]
    fn a_mask_that_does_not_survive_encoding_fails_the_check() {
        // A mask in white on a white page cannot be told from the page; one in black on a page
        // whose pixels are then replaced can: check the check itself.
        let written = RgbImage::from_pixel(50, 50, Rgb([255, 255, 255]));
        let masks = Masks {
            regions: vec![region([5, 5, 45, 45])],
            withheld: false,
        };
        let err = verify(&written, &masks, false, &OutputOptions::default()).unwrap_err();
        assert!(err.to_string().contains("missing"), "{err}");
    }
}
