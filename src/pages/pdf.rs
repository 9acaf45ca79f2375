//! Rendering PDF pages through PDFium. PDFium takes one global lock per call, so a single
//! thread owns the document and renders its pages one after the other.

use pdfium_render::prelude::{
    PdfDocument, PdfPage, PdfPageAnnotationCommon, PdfPageAnnotationType, PdfPageObject,
    PdfPageObjectCommon, PdfPageObjectsCommon, PdfPageRenderRotation, PdfPathSegmentType,
    PdfPathSegments, PdfPoints, PdfRect, PdfRenderConfig, Pdfium, PdfiumError, PdfiumInternalError,
};

use super::text_layer::{LayerChar, TextLayer};
use super::{Limits, Page};
use crate::error::PageError;
use crate::geometry::Rect;
use crate::runtime::pdfium_reason;

/// Paths with more segments than this are taken for drawings (glyph outlines, handwriting)
/// rather than rules and frames.
const MAX_RULE_SEGMENTS: usize = 16;
/// Characters turned by more than this many degrees are not upright.
const UPRIGHT_DEGREES: f32 = 1.0;

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
                other => {
                    PageError::DamagedPdf(format!("cannot open PDF: {}", pdfium_reason(&other)))
                }
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
            .map_err(|e| fail(format!("cannot load page {number}: {}", pdfium_reason(&e))))?;
        let scale = dpi / 72.0;
        let width = (page.width().value * scale).round().max(0.0) as u64;
        let height = (page.height().value * scale).round().max(0.0) as u64;
        limits.check_size(width, height)?;
        let config = PdfRenderConfig::new()
            .scale_page_by_factor(scale)
            .render_form_data(true);
        let bitmap = page.render_with_config(&config).map_err(|e| {
            fail(format!(
                "cannot render page {number}: {}",
                pdfium_reason(&e)
            ))
        })?;
        let image = bitmap.as_image().map_err(|e| {
            fail(format!(
                "cannot read rendered page {number}: {}",
                pdfium_reason(&e)
            ))
        })?;
        Ok(Page {
            number,
            pixels: image.to_rgb8(),
            greyscale: false,
            text: text_layer(&page, &config),
        })
    }
}

/// The page's text layer, or `None` when it cannot be placed on the rendered page with
/// certainty (a rotated page) or PDFium cannot read it.
fn text_layer(page: &PdfPage, config: &PdfRenderConfig) -> Option<TextLayer> {
    if !matches!(page.rotation(), Ok(PdfPageRenderRotation::None)) {
        return None;
    }
    let to_pixels = PixelMap::new(page, config)?;
    let text = page.text().ok()?;
    let mut chars = Vec::new();
    for c in text.chars().iter() {
        let Some(ch) = c.unicode_char() else { continue };
        if ch.is_whitespace() || c.is_generated().unwrap_or(false) {
            continue;
        }
        let Ok(bounds) = c.loose_bounds() else {
            continue;
        };
        let rect = to_pixels.rect(&bounds);
        if rect.area() <= 0.0 {
            continue;
        }
        let ink = c
            .tight_bounds()
            .map_or(rect, |tight| to_pixels.rect(&tight));
        chars.push(LayerChar {
            ch,
            rect,
            ink,
            visible: c
                .text_object()
                .map(|object| object.is_visible())
                .unwrap_or(false),
            upright: c
                .angle_degrees()
                .is_ok_and(|a| a.abs() < UPRIGHT_DEGREES || (360.0 - a).abs() < UPRIGHT_DEGREES),
        });
    }
    let objects = page.objects().iter().filter(is_picture);
    let mut pictures: Vec<Rect> = objects
        .filter_map(|object| object.bounds().ok())
        .map(|quad| to_pixels.rect(&quad.to_rect()))
        .collect();
    pictures.extend(
        page.annotations()
            .iter()
            .filter(|a| {
                !matches!(
                    a.annotation_type(),
                    PdfPageAnnotationType::Link | PdfPageAnnotationType::Popup
                )
            })
            .filter_map(|a| a.bounds().ok())
            .map(|bounds| to_pixels.rect(&bounds)),
    );
    Some(TextLayer { chars, pictures })
}

/// Whether an object draws something only OCR can read: anything but text and paths made of a
/// few straight segments (rules, frames, table lines).
fn is_picture(object: &PdfPageObject) -> bool {
    match object {
        PdfPageObject::Text(_) => false,
        PdfPageObject::Path(path) => {
            let segments = path.segments();
            segments.len() as usize > MAX_RULE_SEGMENTS
                || segments
                    .iter()
                    .any(|s| s.segment_type() == PdfPathSegmentType::BezierTo)
        }
        _ => true,
    }
}

/// From page points to the pixels of the page as rendered (no rotation).
struct PixelMap {
    origin: (f32, f32),
    scale: (f32, f32),
}

impl PixelMap {
    /// The map PDFium itself uses for `config`, measured at two points a page apart.
    fn new(page: &PdfPage, config: &PdfRenderConfig) -> Option<PixelMap> {
        let far = PdfPoints::new(1000.0);
        let (x0, y0) = page
            .points_to_pixels(PdfPoints::ZERO, PdfPoints::ZERO, config)
            .ok()?;
        let (x1, y1) = page.points_to_pixels(far, far, config).ok()?;
        Some(PixelMap {
            origin: (x0 as f32, y0 as f32),
            scale: ((x1 - x0) as f32 / 1000.0, (y1 - y0) as f32 / 1000.0),
        })
    }

    fn point(&self, x: PdfPoints, y: PdfPoints) -> (f32, f32) {
        (
            self.origin.0 + x.value * self.scale.0,
            self.origin.1 + y.value * self.scale.1,
        )
    }

    fn rect(&self, r: &PdfRect) -> Rect {
        let (xa, ya) = self.point(r.left(), r.top());
        let (xb, yb) = self.point(r.right(), r.bottom());
        Rect::new(xa.min(xb), ya.min(yb), xa.max(xb), ya.max(yb))
    }
}
