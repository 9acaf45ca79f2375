//! The integration tests, one test executable (as ripgrep's): each module below is one area, and
//! `common` is the shared harness (paths, running the real binary, reading outputs, the scripted
//! detector's runs). Modules that run the binary use files made by the repository's scripts.

mod common;

mod commands;
mod doctor;
mod edits;
mod failure_classes;
mod interruption;
mod layers;
mod ocr_models;
// The intake holds a symlink and a file name that is not UTF-8.
mod hostile;
mod hostile_corpus;
#[cfg(unix)]
mod odd_inputs;
mod pipeline;
mod regressions;
mod roster_formats;
mod samples_run;
mod serve_api;
mod serve_binary;
mod shards;
mod text_layer;
