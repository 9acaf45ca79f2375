//! Detection: text lines with per-character boxes (OCR), faces with eye landmarks, and round
//! seals with their ring text.
//!
//! Inference sits behind the [`Detector`] trait so that the later stages and their tests can
//! run on a fake detector ([`ScriptedDetector`]) as well as on the real models
//! ([`ModelDetector`]). The insides are private: `types` (what detection gives), `model` (the
//! real detector), `ocr`, `face`, `seals` and `layer` (a PDF page's text layer), `onnx` (session
//! helpers); benchmarks and model tests reach the few they time through [`crate::internals`].

mod face;
mod layer;
mod model;
mod ocr;
mod onnx;
mod orientation;
mod scripted;
mod seals;
mod types;

pub use model::{threads_per_worker, ModelDetector, StageTimes};
pub use scripted::{text_line, Answer, ScriptedDetector};
pub use types::{
    Deadline, Detections, Detector, Face, Glyph, ReadChar, Seal, TextLine, MIN_LINE_CONFIDENCE,
};

#[doc(hidden)]
pub use face::FaceDetector;
#[doc(hidden)]
pub use ocr::Ocr;
#[doc(hidden)]
pub use seals::candidates as seal_candidates;
