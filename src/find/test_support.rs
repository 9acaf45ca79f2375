//! Fake OCR lines and a test applicant for the finder's unit tests.

use super::{on_page, FindOptions, Target};
use crate::base::Region;
use crate::detect::Glyph;
use crate::detect::{Detections, TextLine};
use crate::intake::Applicant;
use image::RgbImage;

/// A fake OCR line: characters laid out left to right from (x, y), each `size` wide.
pub(super) fn line_at(text: &str, x: f32, y: f32, size: f32) -> TextLine {
    let glyphs: Vec<Glyph> = text
        .chars()
        .enumerate()
        .map(|(i, ch)| {
            let x0 = x + i as f32 * size;
            Glyph {
                ch,
                quad: [
                    [x0, y],
                    [x0 + size, y],
                    [x0 + size, y + size],
                    [x0, y + size],
                ],
                confidence: 0.95,
                alternatives: Vec::new(),
            }
        })
        .collect();
    let w = text.chars().count() as f32 * size;
    TextLine {
        quad: [[x, y], [x + w, y], [x + w, y + size], [x, y + size]],
        glyphs,
        confidence: 0.95,
    }
}

/// The test applicant: `name` of `unit` (with `aliases`), ID number [`OWN_ID`].
pub(super) fn target(name: &str, unit: &str, aliases: &[&str]) -> Target {
    Target::for_applicant(&Applicant {
        folder: "f".into(),
        name: name.into(),
        unit: unit.into(),
        aliases: aliases.iter().map(|s| s.to_string()).collect(),
        archive_no: None,
        id_number: Some(OWN_ID.into()),
        line: 2,
    })
}

/// The test applicant's ID number (its check digit is off, as on the samples' ID card: only
/// the roster finds it).
const OWN_ID: &str = "652828198603120023";

/// What the finder masks on a blank page with these lines.
pub(super) fn regions_for(lines: Vec<TextLine>, t: &Target) -> Vec<Region> {
    regions_with(lines, t, &FindOptions::default())
}

/// What the finder masks on a blank page with these lines and options.
pub(super) fn regions_with(lines: Vec<TextLine>, t: &Target, options: &FindOptions) -> Vec<Region> {
    let page = RgbImage::from_pixel(2000, 2000, image::Rgb([255, 255, 255]));
    let detections = Detections {
        lines,
        ..Detections::default()
    };
    on_page(&page, &detections, Some(t), options).regions
}

/// Whether the region spans `x0..x1`.
pub(super) fn covers(region: &Region, x0: f32, x1: f32) -> bool {
    region.rect().x0 <= x0 && region.rect().x1 >= x1
}
