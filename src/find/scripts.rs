//! Names and units in scripts the recogniser cannot read: the Uyghur (Arabic script), Mongolian
//! or Kazakh spelling printed beside a masked Chinese name or unit — the line directly above or
//! below it in the same field, or the rest of its own line.
//!
//! The OCR models read Chinese and Latin letters only. On other scripts the detector still finds
//! the line, but the recogniser returns junk, with low confidence, or nothing. Such a piece of
//! text is masked with the kind of the name or unit it belongs to; on its own (the bilingual
//! labels of an ID card, a letter's Uyghur text) it masks nothing.

use super::{text_pad, Evidence, Kind, Line, Region, TEXT_PAD};
use crate::detect::Glyph;
use crate::geometry::{Rect, Shape};

/// Whether `ch` is a Chinese character (a CJK ideograph).
pub fn is_han(ch: char) -> bool {
    matches!(ch,
        '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}')
}

/// The regions for text in another script that belongs to one of the masked names or units in
/// `regions` (those found in the text: roster matches and label values).
pub fn beside(lines: &[Line], regions: &[Region]) -> Vec<Region> {
    let pieces = unread_pieces(lines);
    let mut found = Vec::new();
    for region in regions.iter().filter(|r| {
        matches!(r.kind, Kind::Name | Kind::Unit)
            && matches!(r.evidence, Evidence::Roster | Evidence::Label)
    }) {
        // A line in which a name or unit was found was read, whatever its words look like.
        let read = |p: &Rect| {
            regions.iter().any(|r| {
                let y = r.rect().center()[1];
                y > p.y0 && y < p.y1 && overlap_x(&r.rect(), p) > 0.0
            })
        };
        for piece in pieces
            .iter()
            .filter(|p| !(p.whole_line && read(&p.rect)) && belongs(&p.rect, &region.rect(), lines))
        {
            let piece = &piece.rect;
            let h = piece.height();
            let padded = piece.padded(text_pad(TEXT_PAD.0, h), text_pad(TEXT_PAD.1, h));
            found.push(Region {
                kind: region.kind,
                evidence: Evidence::OtherScript,
                shape: Shape::rect(&padded),
            });
        }
    }
    found
}

/// Text the recogniser could not read.
struct Piece {
    /// Where it is.
    rect: Rect,
    /// Whether it is a whole line (else the end of a line with Chinese in it).
    whole_line: bool,
}

/// The pieces of text the recogniser could not read: whole lines without a Chinese character
/// that are not plainly read Latin or digits, and the unread runs of glyphs at either end of a
/// Chinese line (a name followed by its Uyghur spelling often comes out as one line).
fn unread_pieces(lines: &[Line]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    for line in lines {
        let glyphs = &line.line.glyphs;
        if !glyphs.iter().any(|g| is_han(g.ch)) {
            if !is_read_latin(line) {
                pieces.push(Piece {
                    rect: line.bbox,
                    whole_line: true,
                });
            }
            continue;
        }
        let first_han = glyphs.iter().position(|g| is_han(g.ch)).unwrap_or(0);
        let last_han = glyphs.iter().rposition(|g| is_han(g.ch)).unwrap_or(0);
        let ends = [
            (&glyphs[..first_han], true),
            (&glyphs[last_han + 1..], false),
        ];
        for (run, at_start) in ends {
            if let Some(rect) = unread_run(run) {
                // The run's glyph boxes are guesses: the piece goes to the line's end.
                let rect = if at_start {
                    Rect::new(line.bbox.x0, rect.y0, rect.x1, rect.y1)
                } else {
                    Rect::new(rect.x0, rect.y0, line.bbox.x1, rect.y1)
                };
                pieces.push(Piece {
                    rect,
                    whole_line: false,
                });
            }
        }
    }
    pieces
}

/// The box of a run of glyphs that reads as junk: two letters or more, with low confidence.
fn unread_run(run: &[Glyph]) -> Option<Rect> {
    let letters = run.iter().filter(|g| g.ch.is_alphabetic()).count();
    if letters < 2 {
        return None;
    }
    let confidence = run.iter().map(|g| g.confidence).sum::<f32>() / run.len() as f32;
    if confidence >= crate::detect::ocr::MIN_LINE_CONFIDENCE {
        return None;
    }
    let points: Vec<_> = run.iter().flat_map(|g| g.quad).collect();
    Some(Rect::around(&points))
}

/// Whether a line without Chinese was plainly read: confident, and every word (between spaces
/// and punctuation) digits or Latin letters in one of the cases people write (lower,
/// Capitalized, UPPER). Junk read from another script mixes cases inside words ("JikCiio").
fn is_read_latin(line: &Line) -> bool {
    if line.line.glyphs.is_empty() || line.line.confidence < crate::detect::ocr::MIN_LINE_CONFIDENCE
    {
        return false;
    }
    let text = line.line.text();
    text.split(|c: char| !c.is_alphanumeric()).all(|word| {
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        let ascii = word.chars().all(|c| c.is_ascii() || !c.is_alphabetic());
        let tail_lower = letters.iter().skip(1).all(|c| c.is_lowercase());
        let all_upper = letters.iter().all(|c| c.is_uppercase());
        ascii && (tail_lower || all_upper)
    })
}

/// Whether a piece belongs to the name or unit at `target`: the rest of its line (same row,
/// touching or a space away), or the line directly above or below it in the same field
/// (similar height, overlapping across at least half of the shorter of the two) that no other
/// Chinese line claims (the Uyghur label above the next row's label is that label's).
fn belongs(piece: &Rect, target: &Rect, lines: &[Line]) -> bool {
    let h = target.height().max(1.0);
    let gap_x = (piece.x0 - target.x1).max(target.x0 - piece.x1);
    if same_row(piece, target) && gap_x < 0.6 * h {
        return true;
    }
    let gap_y = vertical_gap(piece, target);
    let ratio = piece.height() / h;
    let stacked = (0.3..=1.6).contains(&ratio)
        && gap_y > -0.3 * h
        && gap_y < 0.8 * h
        && overlap_x(piece, target) >= 0.5 * piece.width().min(target.width());
    stacked
        && !lines.iter().any(|line| {
            let other = &line.bbox;
            let chinese = line.line.glyphs.iter().any(|g| is_han(g.ch));
            let claims = same_row(piece, other)
                || (overlap_x(piece, other) >= 0.5 * piece.width().min(other.width())
                    && vertical_gap(piece, other) < gap_y);
            chinese && !other.overlaps(target) && claims
        })
}

/// Whether two boxes share a row: they overlap vertically by half the lower one's height.
fn same_row(a: &Rect, b: &Rect) -> bool {
    a.y1.min(b.y1) - a.y0.max(b.y0) > 0.5 * a.height().min(b.height())
}

/// How far apart two boxes are vertically (negative when they overlap).
fn vertical_gap(a: &Rect, b: &Rect) -> f32 {
    (a.y0 - b.y1).max(b.y0 - a.y1)
}

/// How much two boxes overlap horizontally (negative when apart).
fn overlap_x(a: &Rect, b: &Rect) -> f32 {
    a.x1.min(b.x1) - a.x0.max(b.x0)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{line_at, target};
    use super::super::{find, FindOptions};
    use super::*;
    use crate::detect::{Detections, TextLine};

    /// A line the recogniser returned as junk: Latin letters in mixed case, low confidence.
    fn junk_at(text: &str, x: f32, y: f32, size: f32) -> TextLine {
        let mut line = line_at(text, x, y, size);
        line.confidence = 0.4;
        line.glyphs.iter_mut().for_each(|g| g.confidence = 0.4);
        line
    }

    fn regions(lines: Vec<TextLine>) -> Vec<Region> {
        let page = image::RgbImage::from_pixel(1200, 900, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines,
            ..Detections::default()
        };
        let t = target("米热古丽·阿布都拉", "巴音郭楞蒙古自治州人民医院", &[]);
        find(&page, &detections, Some(&t), &FindOptions::default()).regions
    }

    fn covered(regions: &[Region], kind: Kind, rect: Rect) -> bool {
        regions.iter().any(|r| {
            r.kind == kind
                && r.rect().x0 <= rect.x0
                && r.rect().y0 <= rect.y0
                && r.rect().x1 >= rect.x1
                && r.rect().y1 >= rect.y1
        })
    }

    #[test]
    fn uyghur_name_above_the_chinese_name_is_masked_as_name() {
        let uyghur = junk_at("EitG JikCiio", 230.0, 90.0, 30.0);
        let spelled = uyghur.bbox();
        let found = regions(vec![
            uyghur,
            line_at("米热古丽·阿布都拉", 230.0, 130.0, 40.0),
            line_at("姓名", 95.0, 130.0, 40.0),
        ]);
        assert!(covered(&found, Kind::Name, spelled), "{found:?}");
        assert!(found
            .iter()
            .any(|r| r.evidence == Evidence::OtherScript && r.kind == Kind::Name));
    }

    #[test]
    fn uyghur_unit_under_the_letterhead_is_masked_as_unit() {
        let uyghur = junk_at("baYin gOlin sHifaxana", 300.0, 100.0, 36.0);
        let spelled = uyghur.bbox();
        let found = regions(vec![
            line_at("巴音郭楞蒙古自治州人民医院", 300.0, 40.0, 40.0),
            uyghur,
        ]);
        assert!(covered(&found, Kind::Unit, spelled), "{found:?}");
    }

    #[test]
    fn spelling_after_the_name_on_its_own_line_is_masked_to_the_line_end() {
        let mut line = line_at("米热古丽·阿布都拉 mHrgUl", 100.0, 300.0, 40.0);
        let latin_from = line.glyphs.len() - 5;
        line.glyphs[latin_from..]
            .iter_mut()
            .for_each(|g| g.confidence = 0.3);
        let tail = Rect::around(
            &line.glyphs[latin_from..]
                .iter()
                .flat_map(|g| g.quad)
                .collect::<Vec<_>>(),
        );
        let found = regions(vec![line]);
        assert!(covered(&found, Kind::Name, tail), "{found:?}");
    }

    #[test]
    fn bilingual_labels_alone_mask_nothing() {
        let found = regions(vec![
            junk_at("nAmi", 95.0, 90.0, 24.0),
            line_at("姓名", 95.0, 130.0, 40.0),
            junk_at("jiNsi", 95.0, 190.0, 24.0),
            line_at("性别", 95.0, 230.0, 40.0),
            line_at("女", 230.0, 230.0, 40.0),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn uyghur_labels_around_the_name_belong_to_their_own_labels() {
        let found = regions(vec![
            junk_at("6ol", 95.0, 100.0, 24.0),
            line_at("姓名", 95.0, 130.0, 40.0),
            line_at("米热古丽·阿布都拉", 230.0, 130.0, 40.0),
            junk_at("siullo", 345.0, 190.0, 24.0),
            line_at("女", 230.0, 215.0, 40.0),
            line_at("民族", 345.0, 215.0, 40.0),
        ]);
        assert_eq!(found.len(), 1, "only the name itself: {found:?}");
    }

    #[test]
    fn read_text_and_far_lines_beside_a_name_are_left_alone() {
        let found = regions(vec![
            line_at("Certificate No:2023", 230.0, 80.0, 30.0),
            line_at("米热古丽·阿布都拉", 230.0, 130.0, 40.0),
            junk_at("EitG JikCiio", 230.0, 400.0, 30.0),
            junk_at("sIullo", 900.0, 130.0, 40.0),
        ]);
        assert_eq!(found.len(), 1, "only the name itself: {found:?}");
    }
}
