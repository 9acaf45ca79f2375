//! Rendering PDF pages through PDFium. PDFium takes one global lock per call, so a single
//! thread owns the document and renders its pages one after the other.

use pdfium_render::prelude::{
    PdfDocument, PdfRenderConfig, Pdfium, PdfiumError, PdfiumInternalError,
};

use super::{Limits, Page};
use crate::error::PageError;

/// An opened PDF whose pages can be rendered.
pub struct PdfFile<'a> {
    document: PdfDocument<'a>,
}

impl<'a> PdfFile<'a> {
    /// Opens a PDF from its bytes; encrypted (user-password) and broken files give a clear error.
    pub fn open(
        pdfium: &'a Pdfium,
        bytes: Vec<u8>,
        limits: &Limits,
    ) -> Result<PdfFile<'a>, PageError> {
        let document = pdfium
            .load_pdf_from_byte_vec(bytes, None)
            .map_err(|e| match e {
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
                    PageError::Encrypted
                }
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
                    PageError::DamagedPdf("damaged PDF: its structure cannot be read".into())
                }
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
                    PageError::DamagedPdf("PDF uses an unsupported security handler".into())
                }
                other => PageError::DamagedPdf(format!("cannot open PDF: {other}")),
            })?;
        let file = PdfFile { document };
        match file.page_count() {
            0 => Err(PageError::NoPages),
            n => limits.check_pages(n).map(|()| file),
        }
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        usize::try_from(self.document.pages().len()).unwrap_or(0)
    }

    /// Renders page `number` (1-based) at `dpi`.
    pub fn render(&self, number: usize, dpi: f32, limits: &Limits) -> Result<Page, PageError> {
        let fail = PageError::Unrenderable;
        let index =
            i32::try_from(number.wrapping_sub(1)).map_err(|_| fail(format!("no page {number}")))?;
        let page = self
            .document
            .pages()
            .get(index)
            .map_err(|e| fail(format!("cannot load page {number}: {e}")))?;
        let scale = dpi / 72.0;
        let width = (page.width().value * scale).round().max(0.0) as u64;
        let height = (page.height().value * scale).round().max(0.0) as u64;
        limits.check_size(width, height)?;
        let config = PdfRenderConfig::new()
            .scale_page_by_factor(scale)
            .render_form_data(true);
        let bitmap = page
            .render_with_config(&config)
            .map_err(|e| fail(format!("cannot render page {number}: {e}")))?;
        let image = bitmap
            .as_image()
            .map_err(|e| fail(format!("cannot read rendered page {number}: {e}")))?;
        Ok(Page {
            number,
            pixels: image.to_rgb8(),
            greyscale: false,
        })
    }
}
