//! The unit on a receipt's payee line (收款单位（章）：…). The issuing unit's name follows the
//! label, often stamped over by the unit's own seal or crossed by a ruled line, so that OCR
//! reads it in pieces (贵州 … 民院 for 贵州省人民医院) or with characters lost. Beside the label
//! it is matched loosely: failure class "the unit in a 收款单位 line".

use super::lines::Line;
use super::Target;
use crate::base::text::common_in_order;
use crate::base::{Evidence, Kind, Region};

/// Words ending a payee label, as read even when its first character is lost or misread
/// (收款单位, 收费单位, 开票单位; 胜款单位 is 收款单位 misread).
const PAYEE_LABELS: &[&str] = &["款单位", "费单位", "票单位"];
/// Words between the label and its value that belong to the label (收款单位（盖章）：).
const LABEL_TAILS: &[&str] = &["盖章", "章"];
/// The value holds at least this share of the unit's characters, in order...
const MIN_SHARE: f32 = 0.4;
/// ... and at least this many of them, one of them among the two that end the unit's name (its
/// institution: 医院, 中心).
const MIN_CHARS: usize = 3;
/// Pieces of the value further right on the row are joined while the gap between them is at
/// most this many line heights.
const MAX_GAP: f32 = 3.0;

/// The payee values on the page that name the target's unit loosely, masked as the unit.
pub(super) fn matches(lines: &[Line], target: &Target) -> Vec<Region> {
    let mut regions = Vec::new();
    for line in lines {
        let Some(start) = value_start(line) else {
            continue;
        };
        let pieces = pieces_beside(lines, line);
        let value: Vec<char> = line.norm.chars[start..]
            .iter()
            .chain(pieces.iter().flat_map(|l| l.norm.chars.iter()))
            .copied()
            .collect();
        let Some(unit) = target.units().find(|u| names_loosely(&value, &u.chars)) else {
            continue;
        };
        // One mask from the value's start to the unit's last character read, and one character
        // more for a last character misread: the characters between the pieces are the unit's
        // too, under its seal or a rule; what follows on the row (复核人, amounts) is not.
        let last = value
            .iter()
            .rposition(|c| unit.chars.contains(c))
            .unwrap_or(0);
        let mut left = (last + 2).min(value.len());
        let parts = std::iter::once((line, start)).chain(pieces.iter().map(|&l| (l, 0)));
        let spans = parts
            .filter_map(|(l, from)| {
                let len = (l.norm.len() - from).min(left);
                left -= len;
                (len > 0).then(|| l.span_shape(from, from + len))
            })
            .reduce(|a, b| a.hull(&b));
        regions.extend(spans.map(|shape| Region {
            kind: Kind::Unit,
            evidence: Evidence::Label,
            shape,
        }));
    }
    regions
}

/// Where the value starts in a line holding a payee label (normalized characters), if it does.
pub(super) fn value_start(line: &Line) -> Option<usize> {
    let chars = &line.norm.chars;
    let end = PAYEE_LABELS.iter().find_map(|label| {
        let label: Vec<char> = label.chars().collect();
        chars
            .windows(label.len())
            .position(|w| w == label.as_slice())
            .map(|at| at + label.len())
    })?;
    let tail = LABEL_TAILS
        .iter()
        .map(|t| t.chars().collect::<Vec<char>>())
        .find(|t| chars[end..].starts_with(t))
        .map_or(0, |t| t.len());
    Some(end + tail)
}

/// The lines that go on from `label_line` to its right on the same row, in order, while the gaps
/// stay under [`MAX_GAP`] line heights.
fn pieces_beside<'l, 'a>(lines: &'l [Line<'a>], label_line: &Line) -> Vec<&'l Line<'a>> {
    let row = label_line.bbox;
    let height = row.height();
    let mut beside: Vec<&Line> = lines
        .iter()
        // Pieces start where the label's line ends (a second reading of the label's own line
        // starts inside it).
        .filter(|l| l.bbox.x0 >= row.x1 - 0.5 * height)
        .filter(|l| (l.bbox.center()[1] - row.center()[1]).abs() < 0.5 * height)
        .filter(|l| !std::ptr::eq(l.line, label_line.line) && !l.norm.is_empty())
        .collect();
    beside.sort_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let mut reach = row.x1;
    beside
        .into_iter()
        .take_while(|l| {
            let near = l.bbox.x0 - reach <= MAX_GAP * height;
            reach = reach.max(l.bbox.x1);
            near
        })
        .collect()
}

/// Characters that end a place's name (广东省, 东莞市, 巴音郭楞蒙古自治州, 和静县 …) at the
/// start of a unit's name.
const PLACE_ENDS: &[char] = &['省', '市', '州', '县', '区', '旗', '盟', '镇'];

/// Whether `value` names `unit` loosely: enough of the unit's characters in order, one of them
/// of its institution and one of its own name between its place and its institution. Another
/// hospital of the same city (东莞市人民医院 for 东莞市樟木头医院) shares the place and the
/// institution only (failure class "over-masking": another body's receipt declared 是).
fn names_loosely(value: &[char], unit: &[char]) -> bool {
    let institution_start = unit.len().saturating_sub(2);
    let institution = &unit[institution_start..];
    let place_end = unit[..institution_start]
        .iter()
        .rposition(|c| PLACE_ENDS.contains(c))
        .map_or(0, |at| at + 1);
    let own = &unit[place_end..institution_start];
    let needed = MIN_CHARS.max((MIN_SHARE * unit.len() as f32).ceil() as usize);
    common_in_order(value, unit) >= needed
        && value.iter().any(|c| institution.contains(c))
        && (own.is_empty() || value.iter().any(|c| own.contains(c)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{line_at, regions_for, target};
    use super::*;
    use crate::base::Evidence;

    const UNIT: &str = "贵州省人民医院";

    fn payee_regions(lines: Vec<crate::detect::TextLine>) -> Vec<Region> {
        regions_for(lines, &target("王丽娟", UNIT, &[]))
            .into_iter()
            .filter(|r| r.evidence == Evidence::Label && r.kind == Kind::Unit)
            .collect()
    }

    /// The payee regions of a page holding one line, `text`, read whole at the row's start.
    fn payee_regions_of(text: &str) -> Vec<Region> {
        payee_regions(vec![line_at(text, 100.0, 1100.0, 30.0)])
    }

    #[test]
    fn the_unit_read_in_pieces_under_its_seal_is_masked_after_the_payee_label() {
        // 贵州省人民医院 with 省人 under the seal: read as 责州 and A民院.
        let regions = payee_regions(vec![
            line_at("收款单位（章）：责州", 100.0, 1100.0, 30.0),
            line_at("A民院", 450.0, 1100.0, 30.0),
            line_at("复核人：", 1000.0, 1100.0, 30.0),
            // A second reading of part of the label's line is not a piece of the value.
            line_at("位（章）：责州", 190.0, 1100.0, 30.0),
        ]);
        assert_eq!(regions.len(), 1, "{regions:?}");
        // From 责 (after the label's seven characters) over the seal to 院, not to 复核人.
        let value = regions[0].rect();
        assert!(value.x0 >= 100.0 + 7.0 * 30.0 - 8.0, "{value:?}");
        assert!(value.x1 >= 540.0 && value.x1 < 1000.0, "{value:?}");
    }

    #[test]
    fn what_follows_the_unit_on_its_line_stays_visible() {
        // 收款单位（章）：贵州省人民医院 read on with the row's next field in one line.
        let regions = payee_regions_of("收款单位（章）：贵州省人民医院补充1支付00.00");
        assert_eq!(regions.len(), 1, "{regions:?}");
        // The unit's 7 characters after the label's 8, and one more for a misread last one
        // (within half a character's padding).
        let value = regions[0].rect();
        assert!(value.x0 >= 100.0 + 7.5 * 30.0, "{value:?}");
        assert!(value.x1 >= 100.0 + 15.0 * 30.0, "{value:?}");
        assert!(value.x1 <= 100.0 + 16.5 * 30.0, "{value:?}");
    }

    #[test]
    fn a_misread_label_still_leads_to_the_value() {
        let regions = payee_regions_of("胜款单位（享）：#刑省人民府院");
        assert_eq!(regions.len(), 1, "{regions:?}");
    }

    #[test]
    fn another_payee_or_the_label_alone_masks_nothing() {
        for text in [
            "收款单位（章）：天津市急救中心",
            "收款单位（章）：",
            // Shares the place, not the institution.
            "收款单位：贵州省人民政府办公厅",
            // Another hospital of the same province: the place and the institution only.
            "收款单位（章）：贵州省肿瘤医院",
        ] {
            assert!(payee_regions_of(text).is_empty(), "{text}");
        }
    }
}
