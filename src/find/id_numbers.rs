//! 18-digit ID-card numbers (GB 11643 checksum) in the text.

use super::lines::Line;
use crate::base::{Evidence, Kind, Region};

/// 18-digit ID-card numbers (GB 11643 checksum) in the text.
pub(super) fn regions(lines: &[Line]) -> Vec<Region> {
    let mut regions = Vec::new();
    for line in lines {
        let chars = &line.norm.chars;
        let mut i = 0;
        while i + 18 <= chars.len() {
            let candidate: String = chars[i..i + 18].iter().collect();
            if is_id_number(&candidate) {
                regions.push(Region {
                    kind: Kind::IdNumber,
                    evidence: Evidence::Pattern,
                    shape: line.span_shape(i, i + 18),
                });
                i += 18;
            } else {
                i += 1;
            }
        }
    }
    regions
}

/// Whether `s` is an 18-character ID-card number with a valid check character.
fn is_id_number(s: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10x98765432";
    let bytes = s.as_bytes();
    if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = bytes[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    bytes[17].to_ascii_lowercase() == CHECK[(sum % 11) as usize]
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{covers, line_at, regions_with, target};
    use super::super::FindOptions;
    use super::*;
    use crate::detect::TextLine;

    #[test]
    fn own_id_number_is_masked_even_damaged_spaced_or_wrapped_only_with_the_option() {
        let t = target("王玥", "和静县中医医院", &[]);
        let on = FindOptions {
            id_numbers: true,
            ..FindOptions::default()
        };
        let ids = |lines: Vec<TextLine>, options: &FindOptions| -> Vec<Region> {
            regions_with(lines, &t, options)
                .into_iter()
                .filter(|r| r.kind == Kind::IdNumber)
                .collect()
        };
        // The ID card's number line, two zeros read as O (no valid pattern any more).
        let damaged = || vec![line_at("公民身份号码65282819860312OO23", 0.0, 0.0, 30.0)];
        let found = ids(damaged(), &on);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(covers(&found[0], 180.0, 720.0), "{found:?}");
        assert_eq!(found[0].evidence, Evidence::Roster);
        assert!(ids(damaged(), &FindOptions::default()).is_empty());
        let spaced = vec![line_at("身份证号：6528 2819 8603 1200 23", 0.0, 0.0, 30.0)];
        assert_eq!(ids(spaced, &on).len(), 1);
        let wrapped = vec![
            line_at("本人身份证号码为6528281986", 100.0, 100.0, 30.0),
            line_at("03120023，现工作于", 100.0, 145.0, 30.0),
        ];
        assert_eq!(ids(wrapped, &on).len(), 2);
        let someone_else = vec![line_at("证明人身份证号65280119870315OO26", 0.0, 0.0, 30.0)];
        assert!(ids(someone_else, &on).is_empty());
    }

    #[test]
    fn id_number_checksum() {
        assert!(is_id_number("11010519491231002X"));
        assert!(!is_id_number("110105194912310021"));
        assert!(!is_id_number("1101051949123100"));
    }
}
