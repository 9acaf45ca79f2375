//! File ingestion, bytes to pages: telling the kind, decoding images and opening and rendering
//! PDFs never panic, and every page that comes out is within the limits.
#![no_main]

use std::sync::Once;

use blindfold::intake::FileKind;
use blindfold::pages::{Document, Limits};
use libfuzzer_sys::fuzz_target;

/// Small limits keep the fuzzer's memory in check; the checks themselves are what is tested.
const LIMITS: Limits = Limits {
    max_pixels: 4_000_000,
    max_pages: 8,
};
/// Low resolution: rendering cost is PDFium's, not ours.
const DPI: u32 = 20;

fuzz_target!(|bytes: &[u8]| {
    static LOAD: Once = Once::new();
    LOAD.call_once(|| {
        let runtime = blindfold::runtime::Runtime::locate(None).expect("runtime");
        runtime.load().expect("load runtime");
    });
    let Ok(kind) = FileKind::sniff(bytes) else {
        return;
    };
    let pages: Vec<_> = match Document::open(bytes.to_vec(), kind, DPI, &LIMITS) {
        Ok(document) => document.pages(LIMITS).filter_map(Result::ok).collect(),
        Err(_) => Vec::new(),
    };
    assert!(pages.len() <= LIMITS.max_pages);
    for page in pages {
        let (w, h) = page.pixels.dimensions();
        assert!(w > 0 && h > 0 && u64::from(w) * u64::from(h) <= LIMITS.max_pixels);
    }
});
