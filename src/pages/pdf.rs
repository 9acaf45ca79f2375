//! Rendering PDF pages through PDFium. PDFium takes one global lock per call, so a single
//! thread owns the document and renders its pages one after the other.

use pdfium_render::prelude::{
    PdfDocument, PdfRenderConfig, Pdfium, PdfiumError, PdfiumInternalError,
};

use super::{Limits, Page};

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
    ) -> Result<PdfFile<'a>, String> {
        let document = pdfium
            .load_pdf_from_byte_vec(bytes, None)
            .map_err(|e| match e {
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::PasswordError) => {
                    "encrypted PDF: it needs a password to open (ask for an unprotected copy)"
                        .to_string()
                }
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::FormatError) => {
                    "damaged PDF: its structure cannot be read".to_string()
                }
                PdfiumError::PdfiumLibraryInternalError(PdfiumInternalError::SecurityError) => {
                    "PDF uses an unsupported security handler".to_string()
                }
                other => format!("cannot open PDF: {other}"),
            })?;
        let file = PdfFile { document };
        match file.page_count() {
            0 => Err("PDF has no pages".into()),
            n if n > limits.max_pages => Err(format!(
                "PDF has {n} pages, more than the limit of {} (--max-pages)",
                limits.max_pages
            )),
            _ => Ok(file),
        }
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        usize::try_from(self.document.pages().len()).unwrap_or(0)
    }

    /// Renders page `number` (1-based) at `dpi`.
    pub fn render(&self, number: usize, dpi: f32, limits: &Limits) -> Result<Page, String> {
        let index =
            i32::try_from(number - 1).map_err(|_| "page number out of range".to_string())?;
        let page = self
            .document
            .pages()
            .get(index)
            .map_err(|e| format!("cannot load page {number}: {e}"))?;
        let scale = dpi / 72.0;
        let width = (page.width().value * scale).round().max(0.0) as u64;
        let height = (page.height().value * scale).round().max(0.0) as u64;
        limits.check_size(width, height)?;
        let config = PdfRenderConfig::new()
            .scale_page_by_factor(scale)
            .render_form_data(true);
        let bitmap = page
            .render_with_config(&config)
            .map_err(|e| format!("cannot render page {number}: {e}"))?;
        let image = bitmap
            .as_image()
            .map_err(|e| format!("cannot read rendered page {number}: {e}"))?;
        Ok(Page {
            number,
            pixels: image.to_rgb8(),
            greyscale: false,
        })
    }
}
