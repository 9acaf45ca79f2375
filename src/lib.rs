//! blindfold masks applicants' names, work units and the eyes in photos on scanned application
//! pages for blind review, and writes a per-page audit manifest.
//!
//! The stages, one module each, in the order data flows:
//! [`intake`] → [`pages`] → [`detect`] → [`find`] → [`mask`] → [`write`]; [`pipeline`] runs them in
//! parallel over a whole intake. [`runtime`] and [`models`] locate and check the native libraries
//! and model files; [`platform`] keeps what differs between Linux and Windows; [`budget`] is a
//! run's memory budget, from which the heavy passes reserve.

pub mod audit;
pub mod base;
pub mod budget;
pub mod check;
pub mod detect;
pub mod doctor;
pub mod edit;
pub mod error;
pub mod find;
pub mod geometry;
pub mod intake;
pub mod mask;
pub mod models;
pub mod pages;
pub mod pipeline;
pub mod platform;
pub mod runtime;
pub mod serve;
pub mod write;

pub use error::{Error, Result};

/// This build's version, recorded in every manifest line.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Insides of the stages that the benchmarks and the model tests time or run on their own; not
/// part of the interface other stages use.
#[doc(hidden)]
pub mod internals {
    pub use crate::detect::{seal_candidates, FaceDetector, Ocr};
}
