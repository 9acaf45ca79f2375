//! Pages: turn input files into page images (PDFs rendered by PDFium, images decoded).

pub mod image_file;
pub mod pdf;

use image::RgbImage;

/// One page ready for detection: its pixels and how the output should be encoded.
#[derive(Debug, Clone)]
pub struct Page {
    /// 1-based page number within its file.
    pub number: usize,
    /// The page's pixels.
    pub pixels: RgbImage,
    /// Whether the source page had no colour (then the output is written in greyscale).
    pub greyscale: bool,
}

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
    pub fn check_size(&self, width: u64, height: u64) -> Result<(), String> {
        if width == 0 || height == 0 {
            return Err(format!("page has no pixels ({width}x{height})"));
        }
        if width.saturating_mul(height) > self.max_pixels {
            return Err(format!(
                "page of {width}x{height} pixels exceeds the limit of {} pixels (--max-pixels)",
                self.max_pixels
            ));
        }
        Ok(())
    }
}
