//! The OCR stage on the real models: every fixture of `tests/fixtures/ocr` (made by
//! `scripts/make_fixtures.py`: several fonts and sizes, 150–300 DPI, noise and blur, pages turned
//! by 90/180/270 degrees, a skewed page and columns of vertical text) must be read exactly, and
//! each character's box must sit on the character's ink.

use std::sync::{Arc, Mutex, OnceLock};

use blindfold::budget::MemoryBudget;
use blindfold::detect::TextLine;
use blindfold::geometry::Rect;
use blindfold::internals::Ocr;
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

#[derive(Deserialize)]
struct Expected {
    images: Vec<FixtureImage>,
}

#[derive(Deserialize)]
struct FixtureImage {
    file: String,
    lines: Vec<ExpectedLine>,
}

#[derive(Deserialize)]
struct ExpectedLine {
    text: String,
    chars: Vec<ExpectedChar>,
}

#[derive(Deserialize)]
struct ExpectedChar {
    char: char,
    bbox: [f32; 4],
}

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ocr")
}

fn expected() -> Expected {
    let text = std::fs::read_to_string(fixtures().join("expected.json")).expect("expected.json");
    serde_json::from_str(&text).expect("expected.json parses")
}

/// One OCR instance shared by the tests of this file (sessions are costly to create).
fn ocr() -> std::sync::MutexGuard<'static, Ocr> {
    static OCR: OnceLock<Mutex<Ocr>> = OnceLock::new();
    OCR.get_or_init(|| {
        let runtime = blindfold::runtime::Runtime::locate(None).expect("runtime");
        runtime.load().expect("load runtime");
        let models = blindfold::models::Models::locate(None).expect("models");
        Mutex::new(Ocr::new(&models, 2, Arc::new(MemoryBudget::unlimited())).expect("OCR models"))
    })
    .lock()
    .unwrap_or_else(|e| e.into_inner())
}

/// Text as compared: compatibility forms folded (a full-width colon equals a half-width one)
/// and whitespace dropped, since spacing is layout, not content.
fn comparable(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Reads one fixture image and checks every expected line on it; returns the problems found.
fn check_image(image: &FixtureImage) -> Vec<String> {
    let page = image::open(fixtures().join(&image.file))
        .expect("fixture decodes")
        .to_rgb8();
    let lines = ocr().read(&page).expect("OCR runs");
    let mut problems = Vec::new();
    for want in &image.lines {
        let Some(line) = lines
            .iter()
            .find(|l| comparable(&l.text()) == comparable(&want.text))
        else {
            let read: Vec<String> = lines.iter().map(TextLine::text).collect();
            problems.push(format!(
                "{}: {:?} not read; read {read:?}",
                image.file, want.text
            ));
            continue;
        };
        let glyphs: Vec<_> = line.glyphs.iter().filter(|g| g.ch != ' ').collect();
        for (glyph, char) in glyphs.iter().zip(&want.chars) {
            let [x0, y0, x1, y1] = char.bbox;
            let ink = Rect::new(x0, y0, x1, y1);
            let found = Rect::around(&glyph.quad);
            // Punctuation sits in a corner of its em box; the box only needs to cover it.
            let placed = !char.char.is_alphanumeric() || centre_inside(&found, &ink);
            if !covers_most_of(&found, &ink) || !placed {
                problems.push(format!(
                    "{}: box of {:?} in {:?} is {found:?}, its ink is {ink:?}",
                    image.file, char.char, want.text
                ));
            }
        }
    }
    problems
}

/// Whether `found` covers at least half of the glyph's ink box.
fn covers_most_of(found: &Rect, ink: &Rect) -> bool {
    found.intersection(ink).area() >= 0.5 * ink.area()
}

/// Whether the centre of `found` lies on the glyph (its ink box, grown by a quarter of its size
/// for thin glyphs such as 一 or the middle dot).
fn centre_inside(found: &Rect, ink: &Rect) -> bool {
    let grow = 0.25 * ink.width().max(ink.height());
    let [cx, cy] = found.center();
    let zone = ink.padded(grow, grow);
    (zone.x0..=zone.x1).contains(&cx) && (zone.y0..=zone.y1).contains(&cy)
}

fn check_files(filter: impl Fn(&str) -> bool) {
    let problems: Vec<String> = expected()
        .images
        .iter()
        .filter(|image| filter(&image.file))
        .flat_map(check_image)
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn single_lines_in_several_fonts_sizes_and_qualities_read_exactly() {
    check_files(|file| file.starts_with("line"));
}

#[test]
fn upright_page_reads_exactly() {
    check_files(|file| file == "page.png");
}

#[test]
fn pages_turned_sideways_or_upside_down_read_exactly() {
    check_files(|file| file.starts_with("page_rot"));
}

#[test]
fn skewed_page_reads_exactly() {
    check_files(|file| file.starts_with("page_skew"));
}

#[test]
fn vertical_columns_of_upright_characters_read_top_to_bottom() {
    check_files(|file| file == "page_vertical.png");
}
