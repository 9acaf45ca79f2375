//! What detection gives the later stages: text lines with per-character boxes, faces with
//! their landmarks, seals with their ring text, all of a page's [`Detections`]; the
//! [`Detector`] trait that gives them; and the [`Deadline`] a page's detection stops by.

use std::time::{Duration, Instant};

use image::RgbImage;

use crate::error::{Error, Result};
use crate::geometry::{Ellipse, Point, Quad, Rect, Turn};
use crate::pages::Page;

/// Lines whose mean character confidence is below this are reported as unreadable.
pub const MIN_LINE_CONFIDENCE: f32 = 0.6;

/// One recognized character and where it is on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The character.
    pub ch: char,
    /// Its box along the line, in page pixels.
    pub quad: Quad,
    /// Recognizer confidence, 0..1.
    pub confidence: f32,
    /// Other characters the recognizer found likely here, likeliest first (none for text that
    /// was not recognized, such as a PDF's text layer).
    pub alternatives: Vec<char>,
}

/// A line of text found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The line's box in reading order, in page pixels.
    pub quad: Quad,
    /// The recognized characters, in reading order.
    pub glyphs: Vec<Glyph>,
    /// Mean recognizer confidence of the line, 0..1.
    pub confidence: f32,
}

impl TextLine {
    /// The recognized text.
    pub fn text(&self) -> String {
        self.glyphs.iter().map(|g| g.ch).collect()
    }

    /// The axis-aligned box of the whole line.
    pub fn bbox(&self) -> Rect {
        Rect::around(&self.quad)
    }

    /// The height of the line (across the reading direction).
    pub fn height(&self) -> f32 {
        crate::geometry::distance(self.quad[0], self.quad[3])
    }

    /// Whether the recognizer could not read the line with confidence.
    pub fn is_unreadable(&self) -> bool {
        self.glyphs.is_empty() || self.confidence < MIN_LINE_CONFIDENCE
    }
}

/// A face and its five landmarks.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// The face box, in page pixels.
    pub bbox: Rect,
    /// Detector confidence, 0..1.
    pub score: f32,
    /// Left eye, right eye (as seen in the image), nose, left and right mouth corner.
    pub landmarks: [Point; 5],
}

/// Everything detected on one page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Detections {
    /// Text lines, in no particular order.
    pub lines: Vec<TextLine>,
    /// Faces.
    pub faces: Vec<Face>,
    /// Round seals and their ring text.
    pub seals: Vec<Seal>,
    /// How the page was turned to be read: every coordinate above is on the page turned
    /// upright this way (the finder maps what it finds back onto the page as it is).
    pub turn: Turn,
}

impl Detections {
    /// The same detections moved by `dx`, `dy` pixels (from a crop to its page).
    pub(super) fn moved(mut self, dx: f32, dy: f32) -> Detections {
        let point = |p: &mut Point| *p = [p[0] + dx, p[1] + dy];
        let rect = |r: &mut Rect| *r = Rect::new(r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy);
        for line in &mut self.lines {
            line.quad.iter_mut().for_each(point);
            for glyph in &mut line.glyphs {
                glyph.quad.iter_mut().for_each(point);
            }
        }
        for face in &mut self.faces {
            rect(&mut face.bbox);
            face.landmarks.iter_mut().for_each(point);
        }
        for seal in &mut self.seals {
            seal.outline = seal.outline.moved(dx, dy);
        }
        self
    }

    /// Adds what was detected elsewhere on the same page.
    pub(super) fn extend(&mut self, other: Detections) {
        self.lines.extend(other.lines);
        self.faces.extend(other.faces);
        self.seals.extend(other.seals);
    }
}

/// Something that finds text and faces on a page image.
pub trait Detector: Send {
    /// Detects text lines and faces on `page`.
    fn detect(&mut self, page: &RgbImage) -> Result<Detections>;

    /// Detects on a page that may carry its PDF text layer; a detector that cannot use the
    /// layer reads the pixels alone.
    fn detect_page(&mut self, page: &Page) -> Result<Detections> {
        self.detect(&page.pixels)
    }
}

/// A character as the recognizer read it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadChar {
    /// The character.
    pub ch: char,
    /// Recognizer confidence, 0..1.
    pub confidence: f32,
}

/// A seal found on a page.
#[derive(Debug, Clone, PartialEq)]
pub struct Seal {
    /// The seal's ring (its outer edge), in page pixels.
    pub outline: Ellipse,
    /// The text along the ring as recognized (often the unit's or another body's name; may be
    /// empty or garbled when the seal is faint or overprinted).
    pub ring: Vec<ReadChar>,
}

impl Seal {
    /// The box round the seal's ring, in page pixels.
    pub fn rect(&self) -> Rect {
        self.outline.bbox()
    }
}

/// The moment a page's detection must stop by, if any.
#[derive(Debug, Clone, Copy, Default)]
pub struct Deadline {
    at: Option<(Instant, Duration)>,
}

impl Deadline {
    /// `limit` from now (no deadline without a limit).
    pub fn after(limit: Option<Duration>) -> Deadline {
        Deadline {
            at: limit.map(|limit| (Instant::now() + limit, limit)),
        }
    }

    /// An error once the deadline has passed.
    pub fn check(&self) -> Result<()> {
        match self.at {
            Some((at, limit)) if Instant::now() >= at => Err(Error::TimeLimit {
                seconds: limit.as_secs_f64(),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_pass_only_when_set() {
        assert!(Deadline::default().check().is_ok());
        assert!(Deadline::after(Some(Duration::from_secs(60)))
            .check()
            .is_ok());
        let passed = Deadline::after(Some(Duration::ZERO));
        assert!(matches!(passed.check(), Err(Error::TimeLimit { .. })));
    }
}
