//! Detection: text lines with per-character boxes (OCR) and faces with eye landmarks.
//!
//! Inference sits behind the [`Detector`] trait so that the later stages and their tests can
//! run on a fake detector as well as on the real models.

pub mod face;
pub mod ocr;
pub mod scripted;
pub mod seals;

use image::RgbImage;

use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::geometry::{Point, Quad, Rect};

/// One recognized character and where it is on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The character.
    pub ch: char,
    /// Its box along the line, in page pixels.
    pub quad: Quad,
    /// Recognizer confidence, 0..1.
    pub confidence: f32,
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
        self.glyphs.is_empty() || self.confidence < ocr::MIN_LINE_CONFIDENCE
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
    pub seals: Vec<seals::Seal>,
}

/// Something that finds text and faces on a page image.
pub trait Detector: Send {
    /// Detects text lines and faces on `page`.
    fn detect(&mut self, page: &RgbImage) -> Result<Detections>;
}

/// The real detector: PP-OCR text detection and recognition, and RetinaFace.
pub struct ModelDetector {
    ocr: ocr::Ocr,
    faces: face::FaceDetector,
    time_limit: Option<Duration>,
}

impl ModelDetector {
    /// Loads the models of `models` into sessions using `threads` threads each.
    pub fn new(models: &crate::models::Models, threads: usize) -> Result<ModelDetector> {
        Ok(ModelDetector {
            ocr: ocr::Ocr::new(models, threads)?,
            faces: face::FaceDetector::new(&models.face, threads)?,
            time_limit: None,
        })
    }

    /// One detector per worker, the machine's cores shared out between them, each giving up on
    /// a page after `time_limit`.
    pub fn pool(
        models: &crate::models::Models,
        workers: usize,
        time_limit: Option<Duration>,
    ) -> Result<Vec<Box<dyn Detector>>> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads_each = (cores / workers.max(1)).max(1);
        (0..workers.max(1))
            .map(|_| {
                ModelDetector::new(models, threads_each)
                    .map(|d| Box::new(d.with_time_limit(time_limit)) as Box<dyn Detector>)
            })
            .collect()
    }

    /// Gives up on a page (with [`Error::TimeLimit`]) once its detection has taken `limit`;
    /// checked between stages, recognition batches and seals.
    pub fn with_time_limit(mut self, limit: Option<Duration>) -> ModelDetector {
        self.time_limit = limit;
        self
    }
}

impl Detector for ModelDetector {
    fn detect(&mut self, page: &RgbImage) -> Result<Detections> {
        let deadline = Deadline::after(self.time_limit);
        self.ocr.set_deadline(deadline);
        let lines = self.ocr.read(page)?;
        deadline.check()?;
        let faces = self.faces.detect(page)?;
        deadline.check()?;
        let seals = seals::find(page, &mut self.ocr)?;
        Ok(Detections {
            lines,
            faces,
            seals,
        })
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

/// A page as a model input: BGR channel order, NCHW, each channel value passed through `scale`
/// (the models differ only in how they normalize).
pub(crate) fn bgr_tensor(
    image: &RgbImage,
    scale: impl Fn(usize, f32) -> f32,
) -> ndarray::Array4<f32> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut input = ndarray::Array4::<f32>::zeros((1, 3, h, w));
    for (x, y, p) in image.enumerate_pixels() {
        for (c, channel) in [2usize, 1, 0].into_iter().enumerate() {
            input[[0, c, y as usize, x as usize]] = scale(c, f32::from(p.0[channel]));
        }
    }
    input
}

/// Creates an ONNX Runtime session for a model file.
pub(crate) fn session(path: &std::path::Path, threads: usize) -> Result<ort::session::Session> {
    let environment = crate::runtime::ort_environment()?;
    let model_error =
        |e: ort::Error<ort::session::builder::SessionBuilder>| crate::error::Error::Model {
            name: path.display().to_string(),
            detail: e.to_string(),
        };
    ort::session::Session::builder(environment)?
        .with_intra_threads(threads)
        .map_err(model_error)?
        .with_inter_threads(1)
        .map_err(model_error)?
        // Page sizes vary: no arena or memory pattern that would keep the largest page's
        // buffers for the whole run (they doubled peak memory).
        .with_memory_pattern(false)
        .map_err(model_error)?
        .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(false).build()])
        .map_err(model_error)?
        .commit_from_file(path)
        .map_err(|e| crate::error::Error::Model {
            name: path.display().to_string(),
            detail: e.to_string(),
        })
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
