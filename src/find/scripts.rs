//! Names and units in scripts the recogniser cannot read: the Uyghur (Arabic script), Mongolian
//! or Kazakh spelling printed beside a masked Chinese name or unit — the line directly above or
//! below it in the same field, the rest of its own line, or a block of vertical Mongolian columns
//! standing beside it.
//!
//! The OCR models read Chinese and Latin letters only. On other scripts the detector still finds
//! the line, but the recogniser returns junk, with low confidence, or nothing. Such a piece of
//! text is masked with the kind of the name or unit it belongs to; on its own (the bilingual
//! labels of an ID card, a letter's Uyghur text) it masks nothing.

use super::lines::{text_pad, Line, TEXT_PAD};
use crate::base::text::is_han;
use crate::base::{Evidence, Kind, Region};
use crate::detect::Glyph;
use crate::geometry::{Rect, Shape};

/// The tuning of [`beside`]: when a piece of unread text belongs to a name or unit, in line
/// heights of the name or unit and shares of the shorter box.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptRules {
    /// A piece at least this many times as high as wide is a column of vertical script.
    pub column_aspect: f32,
    /// Boxes share a row, and columns a block, when they overlap by this share of the shorter.
    pub min_overlap: f32,
    /// The rest of a line: at most this many line heights away along it.
    pub same_line_gap: f32,
    /// The line above or below in the same field: this high relative to the name's line...
    pub stacked_height: (f32, f32),
    /// ... and this far above or below it, in its line heights (negative: overlapping).
    pub stacked_gap: (f32, f32),
    /// A column beside a name or unit stands at most this many line heights away.
    pub column_reach: f32,
}

impl Default for ScriptRules {
    fn default() -> ScriptRules {
        ScriptRules {
            column_aspect: 1.5,
            min_overlap: 0.5,
            same_line_gap: 0.6,
            stacked_height: (0.3, 1.6),
            stacked_gap: (-0.3, 0.8),
            column_reach: 3.0,
        }
    }
}

/// The regions for text in another script that belongs to one of the masked names or units in
/// `regions` (those found in the text: roster matches and label values).
pub fn beside(lines: &[Line], regions: &[Region]) -> Vec<Region> {
    let rules = ScriptRules::default();
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
        let mut taken: Vec<&Rect> = pieces
            .iter()
            .filter(|p| {
                !(p.whole_line && read(&p.rect)) && belongs(&p.rect, &region.rect(), lines, &rules)
            })
            .map(|p| &p.rect)
            .collect();
        take_block_columns(&pieces, &mut taken, &rules);
        found.extend(taken.into_iter().map(|piece| Region {
            kind: region.kind,
            evidence: Evidence::OtherScript,
            shape: Shape::rect(&padded(piece, &rules)),
        }));
    }
    found
}

/// A piece padded for masking as text is, across and along its own direction.
fn padded(piece: &Rect, rules: &ScriptRules) -> Rect {
    if is_column(piece, rules) {
        let w = piece.width();
        piece.padded(text_pad(TEXT_PAD.1, w), text_pad(TEXT_PAD.0, w))
    } else {
        let h = piece.height();
        piece.padded(text_pad(TEXT_PAD.0, h), text_pad(TEXT_PAD.1, h))
    }
}

/// Whether a piece is a column of vertical script (Mongolian is written top to bottom).
fn is_column(piece: &Rect, rules: &ScriptRules) -> bool {
    piece.height() >= rules.column_aspect * piece.width()
}

/// Adds to `taken` the columns of a block of vertical script that stand next to a column
/// already taken, one column after another (a unit's name in Mongolian often takes several).
fn take_block_columns<'a>(pieces: &'a [Piece], taken: &mut Vec<&'a Rect>, rules: &ScriptRules) {
    while let Some(next) = pieces.iter().map(|p| &p.rect).find(|p| {
        is_column(p, rules)
            && !taken.contains(p)
            && taken
                .iter()
                .any(|t| is_column(t, rules) && next_columns(p, t, rules))
    }) {
        taken.push(next);
    }
}

/// Whether two columns stand next to each other in one block: overlapping down half of the
/// shorter one, no more than a column's width apart.
fn next_columns(a: &Rect, b: &Rect, rules: &ScriptRules) -> bool {
    overlap_y(a, b) >= rules.min_overlap * a.height().min(b.height())
        && horizontal_gap(a, b) <= a.width().max(b.width())
}

/// Whether a line was read as Chinese: it has Chinese characters, and unless the line was read
/// confidently, more of them than other letters (the recogniser finds a stray Chinese character
/// in a line of Mongolian or Uyghur now and then).
fn is_chinese(line: &Line) -> bool {
    let glyphs = &line.line.glyphs;
    let han = glyphs.iter().filter(|g| is_han(g.ch)).count();
    let letters = glyphs.iter().filter(|g| g.ch.is_alphabetic()).count() - han;
    han > 0 && (line.line.confidence >= crate::detect::MIN_LINE_CONFIDENCE || han >= letters)
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
        if !is_chinese(line) {
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
    if confidence >= crate::detect::MIN_LINE_CONFIDENCE {
        return None;
    }
    let points: Vec<_> = run.iter().flat_map(|g| g.quad).collect();
    Some(Rect::around(&points))
}

/// Whether a line without Chinese was plainly read: confident, and every word (between spaces
/// and punctuation) digits or Latin letters in one of the cases people write (lower,
/// Capitalized, UPPER). Junk read from another script mixes cases inside words ("JikCiio").
fn is_read_latin(line: &Line) -> bool {
    if line.line.glyphs.is_empty() || line.line.confidence < crate::detect::MIN_LINE_CONFIDENCE {
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
/// Chinese line claims: one in its row or nearer to it above or below (the Uyghur label above
/// the next row's label is that label's; a tall 姓名 reaching up beside the Uyghur name, its
/// middle below the name's row, does not claim it).
fn belongs(piece: &Rect, target: &Rect, lines: &[Line], rules: &ScriptRules) -> bool {
    if is_column(piece, rules) {
        return column_beside(piece, target, lines, rules);
    }
    let h = target.height().max(1.0);
    let gap_x = horizontal_gap(piece, target);
    if same_row(piece, target, rules) && gap_x < rules.same_line_gap * h {
        return true;
    }
    let gap_y = vertical_gap(piece, target);
    let ratio = piece.height() / h;
    let (lowest, highest) = rules.stacked_height;
    let (nearest, farthest) = rules.stacked_gap;
    let stacked = (lowest..=highest).contains(&ratio)
        && gap_y > nearest * h
        && gap_y < farthest * h
        && overlap_x(piece, target) >= rules.min_overlap * piece.width().min(target.width());
    stacked
        && !lines.iter().any(|line| {
            let other = &line.bbox;
            let claims = in_each_others_row(piece, other)
                || (overlap_x(piece, other)
                    >= rules.min_overlap * piece.width().min(other.width())
                    && vertical_gap(piece, other) < gap_y);
            is_chinese(line) && !other.overlaps(target) && claims
        })
}

/// Whether a column of vertical script stands beside the name or unit at `target`: down the
/// whole of its row, at most three line heights away, and no Chinese line of that row nearer
/// to it (the Mongolian label beside 姓名 is the label's).
fn column_beside(piece: &Rect, target: &Rect, lines: &[Line], rules: &ScriptRules) -> bool {
    let h = target.height().max(1.0);
    let gap_x = horizontal_gap(piece, target);
    overlap_y(piece, target) >= rules.min_overlap * h
        && gap_x < rules.column_reach * h
        && !lines.iter().any(|line| {
            let other = &line.bbox;
            is_chinese(line)
                && !other.overlaps(target)
                && overlap_y(piece, other) >= rules.min_overlap * other.height()
                && horizontal_gap(piece, other) < gap_x
        })
}

/// Whether each box's middle lies within the other's rows: a stricter row than [`same_row`],
/// which a taller box half beside another is not in.
fn in_each_others_row(a: &Rect, b: &Rect) -> bool {
    let within = |y: f32, r: &Rect| y > r.y0 && y < r.y1;
    within(a.center()[1], b) && within(b.center()[1], a)
}

/// Whether two boxes share a row: they overlap vertically by [`ScriptRules::min_overlap`] of the
/// lower one's height.
fn same_row(a: &Rect, b: &Rect, rules: &ScriptRules) -> bool {
    overlap_y(a, b) > rules.min_overlap * a.height().min(b.height())
}

/// How much two boxes overlap vertically (negative when apart).
fn overlap_y(a: &Rect, b: &Rect) -> f32 {
    a.y1.min(b.y1) - a.y0.max(b.y0)
}

/// How far apart two boxes are horizontally (negative when they overlap).
fn horizontal_gap(a: &Rect, b: &Rect) -> f32 {
    (a.x0 - b.x1).max(b.x0 - a.x1)
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
    use super::super::test_support::{line_at, target};
    use super::super::{on_page, FindOptions};
    use super::*;
    use crate::detect::{Detections, TextLine};

    /// A line the recogniser returned as junk: Latin letters in mixed case, low confidence.
    fn junk_at(text: &str, x: f32, y: f32, size: f32) -> TextLine {
        let mut line = line_at(text, x, y, size);
        line.confidence = 0.4;
        line.glyphs.iter_mut().for_each(|g| g.confidence = 0.4);
        line
    }

    /// A column of vertical script (Mongolian) the recogniser returned as junk.
    fn junk_column_at(text: &str, x: f32, y: f32, size: f32) -> TextLine {
        let mut line = junk_at(text, x, y, size);
        for (i, glyph) in line.glyphs.iter_mut().enumerate() {
            let y0 = y + i as f32 * size;
            glyph.quad = [
                [x, y0],
                [x + size, y0],
                [x + size, y0 + size],
                [x, y0 + size],
            ];
        }
        let y1 = y + line.glyphs.len() as f32 * size;
        line.quad = [[x, y], [x + size, y], [x + size, y1], [x, y1]];
        line
    }

    fn regions(lines: Vec<TextLine>) -> Vec<Region> {
        let page = image::RgbImage::from_pixel(1200, 900, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines,
            ..Detections::default()
        };
        let t = target("米热古丽·阿布都拉", "巴音郭楞蒙古自治州人民医院", &[]);
        on_page(&page, &detections, Some(&t), &FindOptions::default()).regions
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

    /// Failure class "another script beside a name": on an ID card the label 姓名 stands between
    /// the Uyghur name's row and the Chinese name's, half in each.
    #[test]
    fn uyghur_name_beside_a_tall_label_is_masked_as_name() {
        let uyghur = junk_at("cl0 JkSL", 234.0, 90.0, 24.0);
        let spelled = uyghur.bbox();
        let found = regions(vec![
            uyghur,
            line_at("米热古丽·阿布都拉", 230.0, 116.0, 36.0),
            line_at("姓名", 110.0, 101.0, 44.0),
        ]);
        assert!(covered(&found, Kind::Name, spelled), "{found:?}");
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

    /// The recogniser reads a stray Chinese character in a column now and then.
    #[test]
    fn mongolian_columns_beside_the_letterhead_are_masked_as_unit() {
        let near = junk_column_at("E生ErE", 310.0, 60.0, 30.0);
        let far = junk_column_at("PEEEk", 260.0, 60.0, 30.0);
        let spelled = [near.bbox(), far.bbox()];
        let found = regions(vec![
            far,
            near,
            line_at("巴音郭楞蒙古自治州人民医院", 400.0, 100.0, 40.0),
        ]);
        for column in spelled {
            assert!(covered(&found, Kind::Unit, column), "{column:?}: {found:?}");
        }
        let across = found
            .iter()
            .filter(|r| r.evidence == Evidence::OtherScript)
            .map(|r| r.rect().width())
            .fold(0.0, f32::max);
        assert!(
            across < 40.0,
            "a column is padded across its width: {found:?}"
        );
    }

    #[test]
    fn mongolian_columns_beside_a_label_or_far_from_the_name_are_left_alone() {
        let name_column = junk_column_at("OGof", 640.0, 110.0, 26.0);
        let spelled = name_column.bbox();
        let found = regions(vec![
            line_at("姓名", 95.0, 130.0, 40.0),
            junk_column_at("5V", 185.0, 110.0, 24.0),
            line_at("米热古丽·阿布都拉", 260.0, 130.0, 40.0),
            name_column,
            junk_column_at("OGofE", 900.0, 110.0, 26.0),
        ]);
        assert!(covered(&found, Kind::Name, spelled), "{found:?}");
        assert_eq!(found.len(), 2, "the name and its column only: {found:?}");
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
