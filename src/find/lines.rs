//! OCR lines prepared for matching: normalized text, boxes, and the padded shapes that mask
//! their characters.

use crate::base::text::{fold, Normalized};
use crate::detect::TextLine;
use crate::geometry::{Point, Rect, Shape};

/// Padding around matched text, as fractions of the line height (along, across the line).
pub(super) const TEXT_PAD: (f32, f32) = (0.35, 0.12);
/// Least padding round matched text, in pixels: the edge of a mask on small print must not fall
/// on the ink, where a JPEG's ringing lightens it.
pub(super) const MIN_TEXT_PAD: f32 = 2.0;

/// Padding of `share` of a line `height` high, at least [`MIN_TEXT_PAD`].
pub(super) fn text_pad(share: f32, height: f32) -> f32 {
    (share * height).max(MIN_TEXT_PAD)
}

/// The direction of the page's lines of text: the median angle of its horizontal lines of at
/// least four characters (columns of vertical text left out); left to right where it has none.
pub(super) fn text_direction(lines: &[Line]) -> Point {
    let mut angles: Vec<f32> = lines
        .iter()
        .filter(|l| l.line.glyphs.len() >= 4)
        .map(|l| {
            let d = l.direction();
            d[1].atan2(d[0])
        })
        .filter(|a| a.abs() < std::f32::consts::FRAC_PI_4)
        .collect();
    if angles.is_empty() {
        return [1.0, 0.0];
    }
    angles.sort_by(f32::total_cmp);
    let median = angles[angles.len() / 2];
    [median.cos(), median.sin()]
}

/// An OCR line prepared for matching.
pub struct Line<'a> {
    /// The OCR line.
    pub line: &'a TextLine,
    /// Its normalized text.
    pub norm: Normalized,
    /// Its bounding box.
    pub bbox: Rect,
}

impl<'a> Line<'a> {
    pub(super) fn new(line: &'a TextLine) -> Line<'a> {
        Line {
            norm: Normalized::new(line.glyphs.iter().map(|g| g.ch)),
            bbox: line.bbox(),
            line,
        }
    }

    /// Whether normalized character `j` was read as `c` or the recognizer found `c` likely there.
    pub(super) fn reads_as(&self, j: usize, c: char) -> bool {
        self.norm.chars[j] == c
            || self.line.glyphs[self.norm.origin[j]]
                .alternatives
                .iter()
                .any(|&a| fold(a) == c)
    }

    /// The shape over normalized characters `start..end`, padded for masking: a rectangle
    /// turned with the line.
    pub fn span_shape(&self, start: usize, end: usize) -> Shape {
        let glyphs = self.norm.origin[start]..self.norm.origin[end - 1] + 1;
        self.glyphs_shape(glyphs, TEXT_PAD.0, TEXT_PAD.1)
    }

    /// The shape of the line between normalized characters `before` and `after`, from the end of
    /// the one to the start of the other, padded across as matched text is.
    pub(super) fn between_shape(&self, before: usize, after: usize) -> Shape {
        let (first, last) = (
            &self.line.glyphs[self.norm.origin[before]].quad,
            &self.line.glyphs[self.norm.origin[after]].quad,
        );
        let h = self.line.height();
        Shape::along_line(
            &[first[1], first[2], last[0], last[3]],
            self.direction(),
            0.0,
            text_pad(TEXT_PAD.1, h),
        )
    }

    /// The shape over the line's glyphs `glyphs` (indices into the OCR line), grown by `along`
    /// and `across` line heights (at least [`MIN_TEXT_PAD`] pixels).
    pub fn glyphs_shape(&self, glyphs: std::ops::Range<usize>, along: f32, across: f32) -> Shape {
        let points: Vec<Point> = self.line.glyphs[glyphs]
            .iter()
            .flat_map(|g| g.quad)
            .collect();
        let h = self.line.height();
        Shape::along_line(
            &points,
            self.direction(),
            text_pad(along, h),
            text_pad(across, h),
        )
    }

    /// The reading direction of the line (its top and bottom edges averaged).
    pub fn direction(&self) -> Point {
        let [tl, tr, br, bl] = self.line.quad;
        [
            (tr[0] - tl[0] + br[0] - bl[0]) / 2.0,
            (tr[1] - tl[1] + br[1] - bl[1]) / 2.0,
        ]
    }

    /// The whole line's shape grown by `along` and `across` line heights (at least
    /// [`MIN_TEXT_PAD`] pixels).
    pub fn padded_shape(&self, along: f32, across: f32) -> Shape {
        let h = self.line.height();
        Shape::along_line(
            &self.line.quad,
            self.direction(),
            text_pad(along, h),
            text_pad(across, h),
        )
    }

    /// Whether normalized characters `start..end` begin and end at word boundaries: no Latin
    /// letter right before or after them in the line.
    pub(super) fn is_whole_words(&self, start: usize, end: usize) -> bool {
        let glyphs = &self.line.glyphs;
        let first = self.norm.origin[start];
        let last = self.norm.origin[end - 1];
        let letter = |i: Option<usize>| {
            i.and_then(|i| glyphs.get(i))
                .is_some_and(|g| g.ch.is_ascii_alphabetic())
        };
        !letter(first.checked_sub(1)) && !letter(Some(last + 1))
    }

    /// Whether `next` continues this line: the next line of a paragraph (below, starting further
    /// left) or the next cell of a table row (to the right, at the same height).
    pub(super) fn continues_into(&self, next: &Line) -> bool {
        let h = self.bbox.height().max(1.0);
        let similar = (next.bbox.height() - h).abs() < 0.6 * h;
        let below = next.bbox.y0 > self.bbox.y1 - 0.4 * h
            && next.bbox.y0 < self.bbox.y1 + 1.2 * h
            && next.bbox.x0 < self.bbox.x1;
        let same_row = (next.bbox.center()[1] - self.bbox.center()[1]).abs() < 0.35 * h
            && next.bbox.x0 > self.bbox.x1 - 0.2 * h
            && next.bbox.x0 < self.bbox.x1 + 4.0 * h;
        similar && (below || same_row)
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::line_at;
    use super::*;

    #[test]
    fn text_direction_is_the_median_of_the_longer_horizontal_lines() {
        let turned = |mut l: TextLine, degrees: f32| {
            let (c, s) = (degrees.to_radians().cos(), degrees.to_radians().sin());
            let turn = |p: Point| [p[0] * c - p[1] * s, p[0] * s + p[1] * c];
            l.quad = l.quad.map(turn);
            l
        };
        let lines = [
            turned(line_at("关于推荐人员的公示", 100.0, 100.0, 20.0), 10.0),
            turned(line_at("经研究同意申报", 100.0, 200.0, 20.0), 11.0),
            turned(line_at("公示期为七日", 100.0, 300.0, 20.0), 12.0),
            // Too short to count, and a vertical column.
            turned(line_at("盖章", 100.0, 400.0, 20.0), 40.0),
            turned(line_at("巴音郭楞蒙古自治州", 100.0, 500.0, 20.0), 90.0),
        ];
        let prepared: Vec<Line> = lines.iter().map(Line::new).collect();
        let d = text_direction(&prepared);
        assert!((d[1].atan2(d[0]).to_degrees() - 11.0).abs() < 0.01, "{d:?}");
        assert_eq!(text_direction(&[]), [1.0, 0.0]);
    }
}
