//! A detector that reads nothing: it answers from a script. Tests of the stages after detection
//! and of the batch around them run on it, fast and without models.

use std::sync::Arc;

use image::RgbImage;

use super::types::{Detections, Detector, Glyph, TextLine};
use crate::error::{Error, Result};
use crate::geometry::Rect;

/// What the script answers for a page.
#[derive(Debug, Clone)]
pub enum Answer {
    /// These detections.
    Found(Detections),
    /// Inference fails with this message.
    Fails(String),
    /// The page runs past a time limit of this many seconds.
    TimesOut(f64),
    /// The detector panics with this message, as a bug in any stage of a page's analysis would.
    Panics(String),
}

/// Answers each page by its size (the first rule for that size), and finds nothing on pages no
/// rule names. Clones share the script, so every worker of a batch can have one.
#[derive(Debug, Clone, Default)]
pub struct ScriptedDetector {
    rules: Arc<Vec<((u32, u32), Answer)>>,
}

impl ScriptedDetector {
    /// A detector that finds nothing on any page.
    pub fn new() -> ScriptedDetector {
        ScriptedDetector::default()
    }

    /// Answers `answer` for pages of `width x height` pixels.
    pub fn on(mut self, (width, height): (u32, u32), answer: Answer) -> ScriptedDetector {
        Arc::make_mut(&mut self.rules).push(((width, height), answer));
        self
    }

    /// Boxed clones, one detector per worker.
    pub fn workers(&self, count: usize) -> Vec<Box<dyn Detector>> {
        (0..count)
            .map(|_| Box::new(self.clone()) as Box<dyn Detector>)
            .collect()
    }
}

impl Detector for ScriptedDetector {
    fn detect(&mut self, page: &RgbImage) -> Result<Detections> {
        let size = page.dimensions();
        match self.rules.iter().find(|(s, _)| *s == size).map(|(_, a)| a) {
            None => Ok(Detections::default()),
            Some(Answer::Found(detections)) => Ok(detections.clone()),
            Some(Answer::Fails(message)) => Err(Error::Inference {
                detail: message.clone(),
                source: None,
            }),
            Some(Answer::TimesOut(seconds)) => Err(Error::TimeLimit { seconds: *seconds }),
            Some(Answer::Panics(message)) => panic!("{message}"),
        }
    }
}

/// A text line as the OCR reports one: `text` read with full confidence in `rect`, each
/// character in an equal share of its width.
pub fn text_line(text: &str, rect: Rect) -> TextLine {
    let count = text.chars().count().max(1) as f32;
    let step = rect.width() / count;
    let glyphs = text
        .chars()
        .enumerate()
        .map(|(i, ch)| {
            let x0 = rect.x0 + step * i as f32;
            Glyph {
                ch,
                quad: Rect::new(x0, rect.y0, x0 + step, rect.y1).quad(),
                confidence: 1.0,
                alternatives: Vec::new(),
            }
        })
        .collect();
    TextLine {
        quad: rect.quad(),
        glyphs,
        confidence: 1.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_answered_by_size() {
        let line = text_line("姓名王玥", Rect::new(0.0, 0.0, 40.0, 10.0));
        assert_eq!(line.text(), "姓名王玥");
        assert_eq!(line.glyphs[1].quad[0], [10.0, 0.0]);
        let found = Detections {
            lines: vec![line],
            ..Detections::default()
        };
        let mut detector = ScriptedDetector::new()
            .on((10, 10), Answer::Found(found.clone()))
            .on((20, 10), Answer::Fails("broken".into()));
        assert_eq!(detector.detect(&RgbImage::new(10, 10)).unwrap(), found);
        assert!(detector.detect(&RgbImage::new(20, 10)).is_err());
        assert!(detector
            .detect(&RgbImage::new(5, 5))
            .unwrap()
            .lines
            .is_empty());
    }
}
