//! A vector PDF page's own text: every character PDFium reports with its box in page pixels,
//! and the parts of the page that the text does not describe (images, curves, shadings, forms,
//! annotations). Detection reads the text from here and spends OCR only on those parts (see
//! [`crate::detect::layer`]).

use crate::geometry::Rect;

/// What a PDF page says it shows, in the pixels of the page as rendered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextLayer {
    /// The characters, in the order of the page's content (whitespace and characters PDFium
    /// made up between words left out).
    pub chars: Vec<LayerChar>,
    /// Areas drawn by something other than text or straight lines: images, curved or complex
    /// paths, shadings, forms, annotations. Only OCR can tell what they show.
    pub pictures: Vec<Rect>,
}

/// One character of a text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerChar {
    /// The character as the font's character map gives it.
    pub ch: char,
    /// The character's box (font ascent to descent, its advance wide), in page pixels.
    pub rect: Rect,
    /// The box of the glyph's ink, in page pixels.
    pub ink: Rect,
    /// Whether its render mode paints it (invisible text is only there to be searched).
    pub visible: bool,
    /// Whether it stands upright (not rotated against the page).
    pub upright: bool,
}
