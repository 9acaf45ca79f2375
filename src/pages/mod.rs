//! Pages: turn input files into page images (PDFs rendered by PDFium, images decoded).
//!
//! [`Document`] is the one way every part of blindfold (the batch, the audit, the tests, the
//! benches and the fuzzers) turns a file's bytes into its pages within the [`Limits`].

pub mod image_file;
pub mod pdf;
pub mod text_layer;

use image::RgbImage;

use crate::error::PageError;
use crate::intake::FileKind;

/// One page ready for detection: its pixels and how the output should be encoded.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based page number within its file.
    pub number: usize,
    /// The page's pixels.
    pub pixels: RgbImage,
    /// Whether the source page had no colour (then the output is written in greyscale).
    pub greyscale: bool,
    /// The text layer of a PDF page (none for images and pages whose text cannot be placed).
    pub text: Option<text_layer::TextLayer>,
}

/// The resolution PDF pages are rendered at unless told otherwise: 10.5 pt text comes out
/// about 30 px high, which the OCR reads well.
pub const DEFAULT_DPI: u32 = 200;

/// Limits that protect a batch from absurd or hostile inputs.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest page accepted, in pixels (width x height after rendering or decoding).
    pub max_pixels: u64,
    /// Most pages accepted from one file.
    pub max_pages: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_pixels: 100_000_000,
            max_pages: 500,
        }
    }
}

impl Limits {
    /// Checks a page size against the pixel limit.
    pub fn check_size(&self, width: u64, height: u64) -> Result<(), PageError> {
        if width == 0 || height == 0 {
            return Err(PageError::NoPixels { width, height });
        }
        if width.saturating_mul(height) > self.max_pixels {
            return Err(PageError::TooLarge {
                width,
                height,
                max: self.max_pixels,
            });
        }
        Ok(())
    }

    /// Checks a page count against the page limit.
    pub fn check_pages(&self, pages: usize) -> Result<(), PageError> {
        if pages > self.max_pages {
            return Err(PageError::TooManyPages {
                pages,
                max: self.max_pages,
            });
        }
        Ok(())
    }
}

/// An opened input file whose pages can be taken one by one: a PDF (rendered on demand by
/// PDFium, on the thread that opened it) or a decoded image file.
pub enum Document {
    /// A PDF, rendered page by page at `dpi`.
    Pdf {
        /// The opened PDF.
        pdf: pdf::PdfFile<'static>,
        /// Resolution pages are rendered at.
        dpi: u32,
    },
    /// An image file, decoded page by page.
    Image(image_file::ImageFile),
}

impl Document {
    /// Opens a file of `kind` from its bytes: a PDF with PDFium (which must be loaded), an image
    /// file with its pages counted (each is decoded when it is taken).
    pub fn open(
        bytes: Vec<u8>,
        kind: FileKind,
        dpi: u32,
        limits: &Limits,
    ) -> Result<Document, PageError> {
        if kind.is_pdf() {
            let pdfium =
                crate::runtime::pdfium().map_err(|e| PageError::NoPdfium(e.to_string()))?;
            let pdf = pdf::PdfFile::open(pdfium, bytes, limits)?;
            return Ok(Document::Pdf { pdf, dpi });
        }
        Ok(Document::Image(image_file::ImageFile::open(
            bytes, kind, limits,
        )?))
    }

    /// Reads and opens the file at `path`, telling its kind from its content.
    pub fn read(path: &std::path::Path, dpi: u32, limits: &Limits) -> Result<Document, PageError> {
        let bytes = std::fs::read(path)
            .map_err(|e| PageError::Unreadable(crate::platform::io_reason(&e)))?;
        let kind = FileKind::sniff(&bytes)?;
        Document::open(bytes, kind, dpi, limits)
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        match self {
            Document::Pdf { pdf, .. } => pdf.page_count(),
            Document::Image(file) => file.page_count(),
        }
    }

    /// Why an image that decodes may still be incomplete (a truncated JPEG).
    pub fn incompleteness(&self) -> Option<String> {
        match self {
            Document::Image(file) => file.incompleteness(),
            Document::Pdf { .. } => None,
        }
    }

    /// Page `number` (1-based), rendered or decoded now.
    pub fn page(&mut self, number: usize, limits: &Limits) -> Result<Page, PageError> {
        match self {
            Document::Pdf { pdf, dpi } => pdf.render(number, *dpi as f32, limits),
            Document::Image(file) => file.page(number, limits),
        }
    }

    /// Every page in order, each as it is read.
    pub fn pages(mut self, limits: Limits) -> impl Iterator<Item = Result<Page, PageError>> {
        (1..=self.page_count()).map(move |number| self.page(number, &limits))
    }
}

/// The `[x, y, width, height]` area of `image` scaled to `size` with a bilinear filter (the
/// models' inputs, the editor's thumbnails).
pub fn scaled(image: &RgbImage, [x, y, w, h]: [u32; 4], (width, height): (u32, u32)) -> RgbImage {
    use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
        .crop(x.into(), y.into(), w.into(), h.into());
    let mut out = RgbImage::new(width, height);
    Resizer::new()
        .resize(image, &mut out, &options)
        .expect("resizing RGB into RGB cannot fail");
    out
}
