//! Red official seals (公章): round red rings carrying a unit's name. A seal is masked as the
//! applicant's unit unless the text around it shows it belongs to an issuing authority or a
//! school; when in doubt it is masked.

use image::RgbImage;

use super::rings::candidates;
use super::{Evidence, Kind, Line, Region};
use crate::detect::Face;
use crate::geometry::Rect;

/// Words showing that a seal belongs to an issuer, not to the applicant's unit.
const AUTHORITY_WORDS: &[&str] = &[
    "人力资源",
    "社会保障",
    "保障厅",
    "资格评审",
    "职改办",
    "人社",
    "卫生健康委员会",
    "卫健委",
    "职称改革",
    "大学",
    "学院",
    "学校",
    "教育厅",
    "教育局",
    "考试",
    "继续医学教育委员会",
    "委员会办公室",
];

/// Finds seals to mask.
pub fn find(page: &RgbImage, lines: &[Line], faces: &[Face], unit_boxes: &[Rect]) -> Vec<Region> {
    let mut regions = Vec::new();
    for seal in candidates(page) {
        let on_a_face = faces.iter().any(|f| {
            f.bbox
                .padded(f.bbox.width() * 0.3, f.bbox.height() * 0.3)
                .overlaps(&seal)
        });
        if on_a_face || !belongs_to_applicant(&seal, lines, unit_boxes) {
            continue;
        }
        regions.push(Region {
            kind: Kind::Unit,
            evidence: Evidence::Seal,
            rect: seal.padded(seal.width() * 0.04, seal.height() * 0.04),
        });
        // The signer line stamped over by the seal is the unit's name, mostly unreadable to OCR.
        for line in lines
            .iter()
            .filter(|l| crosses(&seal, &l.bbox) && !is_date(l))
        {
            let h = line.bbox.height();
            regions.push(Region {
                kind: Kind::Unit,
                evidence: Evidence::Seal,
                rect: line.bbox.padded(0.2 * h, 0.1 * h),
            });
        }
    }
    regions
}

/// Whether a text line runs through the seal's middle band, or is a piece of such a line
/// sticking out of the seal (OCR often reads the ends of a stamped-over line on their own).
fn crosses(seal: &Rect, line: &Rect) -> bool {
    let band = Rect::new(
        seal.x0,
        seal.y0 + 0.2 * seal.height(),
        seal.x1,
        seal.y1 - 0.2 * seal.height(),
    );
    let reach = 1.5 * line.height();
    let [_, cy] = line.center();
    let beside = (band.y0..=band.y1).contains(&cy)
        && line.x1 >= seal.x0 - reach
        && line.x0 <= seal.x1 + reach;
    beside || line.intersection(&band).area() > 0.3 * line.area()
}

/// Dates under a seal (2024年3月14日) stay readable.
fn is_date(line: &Line) -> bool {
    let digits = line
        .norm
        .chars
        .iter()
        .filter(|c| c.is_ascii_digit())
        .count();
    digits * 2 >= line.norm.len()
}

/// A seal is the applicant's unless authority text is near it and no unit text is.
fn belongs_to_applicant(seal: &Rect, lines: &[Line], unit_boxes: &[Rect]) -> bool {
    let near = seal.padded(seal.width(), seal.height() * 0.6);
    if unit_boxes.iter().any(|u| u.overlaps(&near)) {
        return true;
    }
    let authority_nearby = lines.iter().filter(|l| l.bbox.overlaps(&near)).any(|l| {
        let text: String = l.norm.chars.iter().collect();
        AUTHORITY_WORDS.iter().any(|w| text.contains(w))
    });
    !authority_nearby
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authority_seal_stays_visible() {
        let page = crate::find::rings::tests::page_with_ring(600.0, 800.0, 150.0, [220, 40, 40]);
        let text = super::super::tests::line_at(
            "新疆维吾尔自治区人力资源和社会保障厅",
            300.0,
            700.0,
            30.0,
        );
        let lines = vec![Line::new(&text)];
        assert!(find(&page, &lines, &[], &[]).is_empty());
        assert_eq!(find(&page, &[], &[], &[]).len(), 1);
    }
}
