//! Finding what to mask: the applicant's name and unit in the OCR text (roster matches and label
//! hints), handwritten signatures, unit seals and the eyes of every face.

pub mod labels;
pub mod scripts;
pub mod seals;
pub mod terms;

use image::RgbImage;

pub use terms::Target;

use crate::base::text::{find_approx, Normalized};
use crate::base::{Evidence, Kind, Region};
use crate::detect::{Detections, Face, TextLine};
use crate::geometry::{Point, Rect, Shape};

/// Choices that change what is masked.
#[derive(Debug, Clone, Default)]
pub struct FindOptions {
    /// Cover whole faces instead of eye bars.
    pub cover_face: bool,
    /// Also mask ID-card numbers: any 18-digit one with a valid checksum, and the applicant's
    /// own (from the roster) also when OCR damaged it.
    pub id_numbers: bool,
}

/// The regions to mask on a page and the reasons the page needs a human look, if any.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Findings {
    /// Regions to paint.
    pub regions: Vec<Region>,
    /// Why the page should be reviewed (empty when the result can be trusted).
    pub review: Vec<String>,
}

/// Padding around matched text, as fractions of the line height (along, across the line).
const TEXT_PAD: (f32, f32) = (0.35, 0.12);
/// Least padding round matched text, in pixels: the edge of a mask on small print must not fall
/// on the ink, where a JPEG's ringing lightens it.
const MIN_TEXT_PAD: f32 = 2.0;

/// Padding of `share` of a line `height` high, at least [`MIN_TEXT_PAD`].
fn text_pad(share: f32, height: f32) -> f32 {
    (share * height).max(MIN_TEXT_PAD)
}

/// Finds everything to mask on one page. Without a target (a folder missing from the roster)
/// only label hints, seals and faces are used and the page is flagged for review.
pub fn find(
    page: &RgbImage,
    detections: &Detections,
    target: Option<&Target>,
    options: &FindOptions,
) -> Findings {
    let mut findings = Findings::default();
    let lines: Vec<Line> = detections.lines.iter().map(Line::new).collect();
    match target {
        Some(target) => {
            findings
                .regions
                .extend(roster_matches(&lines, target, options));
            findings.review.extend(target.review.clone());
        }
        None => findings
            .review
            .push("folder not in the roster: only labels, seals and faces were used".into()),
    }
    labels::find(page, &lines, &mut findings);
    let spelled_beside = scripts::beside(&lines, &findings.regions);
    findings.regions.extend(spelled_beside);
    let text_unit_boxes: Vec<Rect> = findings
        .regions
        .iter()
        .filter(|r| r.kind == Kind::Unit)
        .map(Region::rect)
        .collect();
    findings.regions.extend(seals::find(
        page,
        detections,
        &lines,
        target,
        &text_unit_boxes,
    ));
    for face in &detections.faces {
        findings.regions.push(face_region(face, options.cover_face));
    }
    if options.id_numbers {
        findings.regions.extend(id_numbers(&lines));
    }
    findings.regions = merge_overlapping(findings.regions);
    findings
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
    fn new(line: &'a TextLine) -> Line<'a> {
        Line {
            norm: Normalized::new(line.glyphs.iter().map(|g| g.ch)),
            bbox: line.bbox(),
            line,
        }
    }

    /// The shape over normalized characters `start..end`, padded for masking: a rectangle
    /// turned with the line.
    pub fn span_shape(&self, start: usize, end: usize) -> Shape {
        let first = self.norm.origin[start];
        let last = self.norm.origin[end - 1];
        let points: Vec<Point> = self.line.glyphs[first..=last]
            .iter()
            .flat_map(|g| g.quad)
            .collect();
        let h = self.line.height();
        Shape::along_line(
            &points,
            self.direction(),
            text_pad(TEXT_PAD.0, h),
            text_pad(TEXT_PAD.1, h),
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
    fn is_whole_words(&self, start: usize, end: usize) -> bool {
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
    fn continues_into(&self, next: &Line) -> bool {
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

/// Matches of the target's terms within lines and across a line break or cell boundary.
fn roster_matches(lines: &[Line], target: &Target, options: &FindOptions) -> Vec<Region> {
    let mut regions = Vec::new();
    for line in lines {
        for term in target.searched(options) {
            for m in find_approx(&line.norm.chars, &term.chars, term.max_errors) {
                if term.whole_words && !line.is_whole_words(m.start, m.end) {
                    continue;
                }
                let start = match term.kind {
                    Kind::Unit => misread_start(line, m.start, target),
                    _ => m.start,
                };
                regions.push(Region {
                    kind: term.kind,
                    evidence: Evidence::Roster,
                    shape: line.span_shape(start, m.end),
                });
            }
        }
    }
    for a in lines {
        for b in lines
            .iter()
            .filter(|b| !std::ptr::eq(*b, a) && a.continues_into(b))
        {
            regions.extend(split_matches(a, b, target, options));
        }
    }
    regions
}

/// Where a unit found at `start` of a line begins when the line's first few characters are the
/// unit's own beginning misread (a letterhead's stacked small characters: 恩施吉家庆|自治州自然资源
/// 和规划局 for 恩施土家族苗族自治州…): the line's start, when at most six characters come before
/// the match and two of them are the unit's; else `start`.
fn misread_start(line: &Line, start: usize, target: &Target) -> usize {
    let before = &line.norm.chars[..start];
    let unit_chars: std::collections::BTreeSet<char> = target
        .terms
        .iter()
        .filter(|t| t.kind == Kind::Unit)
        .flat_map(|t| t.chars.iter().copied())
        .collect();
    let shared: std::collections::BTreeSet<char> = before
        .iter()
        .filter(|c| unit_chars.contains(c))
        .copied()
        .collect();
    if before.len() <= 6 && shared.len() >= 2 {
        0
    } else {
        start
    }
}

/// Matches that start at the end of `a` and finish at the start of `b`.
fn split_matches(a: &Line, b: &Line, target: &Target, options: &FindOptions) -> Vec<Region> {
    let mut regions = Vec::new();
    for term in target
        .searched(options)
        .filter(|t| t.chars.len() >= 3 && !t.whole_words)
    {
        let m = term.chars.len();
        let tail_start = a.norm.len().saturating_sub(m);
        let head_end = b.norm.len().min(m);
        let joined: Vec<char> = a.norm.chars[tail_start..]
            .iter()
            .chain(&b.norm.chars[..head_end])
            .copied()
            .collect();
        let boundary = a.norm.len() - tail_start;
        for found in find_approx(&joined, &term.chars, term.max_errors) {
            if found.start < boundary && found.end > boundary {
                regions.push(Region {
                    kind: term.kind,
                    evidence: Evidence::Roster,
                    shape: a.span_shape(tail_start + found.start, a.norm.len()),
                });
                regions.push(Region {
                    kind: term.kind,
                    evidence: Evidence::Roster,
                    shape: b.span_shape(0, found.end - boundary),
                });
            }
        }
    }
    regions
}

/// Eye bar (or whole face) from a face's landmarks: from 0.6 of the eye distance (at least 0.3
/// of the face's width) and 2 px outside each eye, 0.4 of it and 2 px above and below the eye
/// line, turned with the eye line.
pub fn face_region(face: &Face, cover_face: bool) -> Region {
    if cover_face {
        let pad = 0.1 * face.bbox.width();
        return Region {
            kind: Kind::Face,
            evidence: Evidence::Landmarks,
            shape: Shape::rect(&face.bbox.padded(pad, pad)),
        };
    }
    let [left, right] = [face.landmarks[0], face.landmarks[1]];
    let d = [right[0] - left[0], right[1] - left[1]];
    let eye_distance = d[0].hypot(d[1]);
    // A profile's eyes are close together: the bar is sized by at least 0.3 of the face's width.
    let iod = eye_distance.max(face.bbox.width() * 0.3);
    let u = if eye_distance > 1e-3 {
        [d[0] / eye_distance, d[1] / eye_distance]
    } else {
        [1.0, 0.0]
    };
    let n = [-u[1], u[0]];
    // Two more pixels each way: on a small photo a landmark one pixel off uncovers an eyelid.
    let (along, across) = (0.6 * iod + 2.0, 0.4 * iod + 2.0);
    let corners: Vec<Point> = [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
        .iter()
        .map(|&(s, t): &(f32, f32)| {
            let base = if s < 0.0 { left } else { right };
            [
                base[0] + s * along * u[0] + t * across * n[0],
                base[1] + s * along * u[1] + t * across * n[1],
            ]
        })
        .collect();
    Region {
        kind: Kind::Eyes,
        evidence: Evidence::Landmarks,
        shape: Shape::polygon(corners),
    }
}

/// 18-digit ID-card numbers (GB 11643 checksum) in the text.
fn id_numbers(lines: &[Line]) -> Vec<Region> {
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
pub fn is_id_number(s: &str) -> bool {
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

/// The two overlapping shapes as one, when that masks little that neither covers (a short line
/// on a long one would add the empty corner beside it; a seal's disc and a line through it, the
/// corners between them).
fn merged_cleanly(a: &Shape, b: &Shape) -> Option<Shape> {
    let shared = a.clipped_to(b).area();
    let hull = a.hull(b);
    (shared > 0.0 && hull.area() <= 1.1 * (a.area() + b.area() - shared)).then_some(hull)
}

/// Merges overlapping regions of the same kind into one where that masks little more.
fn merge_overlapping(mut regions: Vec<Region>) -> Vec<Region> {
    let mut merged: Vec<Region> = Vec::new();
    while let Some(mut region) = regions.pop() {
        let mut grew = true;
        while grew {
            grew = false;
            let mut i = 0;
            while i < regions.len() {
                let merged = (regions[i].kind == region.kind)
                    .then(|| merged_cleanly(&region.shape, &regions[i].shape))
                    .flatten();
                match merged {
                    Some(shape) => {
                        region.shape = shape;
                        regions.swap_remove(i);
                        grew = true;
                    }
                    None => i += 1,
                }
            }
        }
        merged.push(region);
    }
    merged.sort_by(|a, b| {
        let (a, b) = (a.rect(), b.rect());
        a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0))
    });
    merged
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::detect::Glyph;
    use crate::intake::Applicant;

    /// A fake OCR line: characters laid out left to right from (x, y), each `size` wide.
    pub fn line_at(text: &str, x: f32, y: f32, size: f32) -> TextLine {
        let glyphs: Vec<Glyph> = text
            .chars()
            .enumerate()
            .map(|(i, ch)| {
                let x0 = x + i as f32 * size;
                Glyph {
                    ch,
                    quad: [
                        [x0, y],
                        [x0 + size, y],
                        [x0 + size, y + size],
                        [x0, y + size],
                    ],
                    confidence: 0.95,
                }
            })
            .collect();
        let w = text.chars().count() as f32 * size;
        TextLine {
            quad: [[x, y], [x + w, y], [x + w, y + size], [x, y + size]],
            glyphs,
            confidence: 0.95,
        }
    }

    pub fn target(name: &str, unit: &str, aliases: &[&str]) -> Target {
        Target::for_applicant(&Applicant {
            folder: "f".into(),
            name: name.into(),
            unit: unit.into(),
            aliases: aliases.iter().map(|s| s.to_string()).collect(),
            archive_no: None,
            id_number: Some(OWN_ID.into()),
            line: 2,
        })
    }

    /// The test applicant's ID number (its check digit is off, as on the samples' ID card: only
    /// the roster finds it).
    const OWN_ID: &str = "652828198603120023";

    fn regions_for(lines: Vec<TextLine>, t: &Target) -> Vec<Region> {
        regions_with(lines, t, &FindOptions::default())
    }

    fn regions_with(lines: Vec<TextLine>, t: &Target, options: &FindOptions) -> Vec<Region> {
        let page = RgbImage::from_pixel(2000, 2000, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines,
            faces: vec![],
            seals: vec![],
        };
        find(&page, &detections, Some(t), options).regions
    }

    fn covers(region: &Region, x0: f32, x1: f32) -> bool {
        region.rect().x0 <= x0 && region.rect().x1 >= x1
    }

    #[test]
    fn pinyin_of_the_name_is_masked_in_any_case_order_and_spacing_but_not_inside_a_word() {
        let t = target("左佳", "和静县中医医院", &[]);
        for text in ["Name: Zuo Jia", "ZUO JIA", "Jia Zuo", "zuojia"] {
            let regions = regions_for(vec![line_at(text, 100.0, 100.0, 20.0)], &t);
            assert_eq!(regions.len(), 1, "{text}: {regions:?}");
            assert_eq!(regions[0].kind, Kind::Name);
        }
        for text in ["Zuojiang County", "Name: Zuo Jian"] {
            let regions = regions_for(vec![line_at(text, 100.0, 100.0, 20.0)], &t);
            assert!(regions.is_empty(), "{text}: {regions:?}");
        }
    }

    #[test]
    fn a_letterheads_misread_beginning_is_masked_with_the_unit() {
        let t = target(
            "马晓燕",
            "恩施土家族苗族自治州自然资源和规划局",
            &["恩施州自然资源和规划局"],
        );
        // The stacked small characters 土家族苗族 read as 吉家庆: the match starts at 自治州.
        let letterhead = line_at("恩施吉家庆自治州自然资源和规划局", 100.0, 100.0, 40.0);
        let regions = regions_for(vec![letterhead], &t);
        assert!(
            regions
                .iter()
                .any(|r| covers(r, 100.0, 100.0 + 16.0 * 40.0)),
            "{regions:?}"
        );
        // Words of a sentence before the unit are not its beginning.
        let sentence = line_at("经研究同意自治州自然资源和规划局", 100.0, 100.0, 40.0);
        let regions = regions_for(vec![sentence], &t);
        assert!(
            regions.iter().all(|r| r.rect().x0 > 100.0 + 4.0 * 40.0),
            "{regions:?}"
        );
    }

    #[test]
    fn name_mid_sentence_is_masked_and_nothing_else() {
        let t = target("王玥", "和静县中医医院", &[]);
        let regions = regions_for(
            vec![line_at(
                "关于王玥同志申报副主任医师的公示",
                100.0,
                100.0,
                30.0,
            )],
            &t,
        );
        assert_eq!(regions.len(), 1);
        assert_eq!(regions[0].kind, Kind::Name);
        assert!(covers(&regions[0], 160.0, 220.0), "{regions:?}");
        assert!(regions[0].rect().x1 < 240.0, "{regions:?}");
    }

    #[test]
    fn spaced_and_dotted_variants_match() {
        let t = target("米热古丽·阿布都拉", "焉耆回族自治县人民医院", &[]);
        for written in [
            "米热古丽•阿布都拉",
            "米热古丽・阿布都拉",
            "米热古丽阿布都拉",
            "米热古丽.阿布都拉",
        ] {
            let regions = regions_for(
                vec![line_at(&format!("申报人{written}"), 0.0, 0.0, 30.0)],
                &t,
            );
            assert!(
                regions
                    .iter()
                    .any(|r| r.kind == Kind::Name && covers(r, 90.0, 300.0)),
                "{written}: {regions:?}"
            );
        }
        let t = target("张三", "X县医院", &[]);
        let regions = regions_for(vec![line_at("张  三", 0.0, 0.0, 30.0)], &t);
        assert!(
            regions
                .iter()
                .any(|r| r.kind == Kind::Name && covers(r, 0.0, 120.0)),
            "{regions:?}"
        );
    }

    #[test]
    fn another_person_with_the_same_surname_is_left_alone() {
        let t = target("王玥", "和静县中医医院", &[]);
        assert!(regions_for(vec![line_at("院长：王明", 0.0, 0.0, 30.0)], &t).is_empty());
        let t = target("高志强", "博湖县人民医院", &[]);
        assert!(regions_for(vec![line_at("负责人高建国", 0.0, 0.0, 30.0)], &t).is_empty());
    }

    #[test]
    fn ocr_slip_in_a_longer_name_is_tolerated() {
        let t = target("艾克拜尔·麦麦提", "轮台县人民医院", &[]);
        let regions = regions_for(vec![line_at("兹有艾克拜尔麦麦堤同志", 0.0, 0.0, 30.0)], &t);
        assert!(regions.iter().any(|r| r.kind == Kind::Name), "{regions:?}");
    }

    #[test]
    fn unit_alias_and_derived_abbreviation_match() {
        let t = target("王玥", "巴音郭楞蒙古自治州人民医院", &["巴州人民医院"]);
        let regions = regions_for(vec![line_at("工作于巴州人民医院", 0.0, 0.0, 30.0)], &t);
        assert!(
            regions
                .iter()
                .any(|r| r.kind == Kind::Unit && covers(r, 90.0, 270.0)),
            "{regions:?}"
        );
    }

    #[test]
    fn other_county_hospital_is_not_the_unit() {
        let t = target("王玥", "库尔勒市人民医院", &[]);
        assert!(regions_for(vec![line_at("发证：且末县人民医院", 0.0, 0.0, 30.0)], &t).is_empty());
    }

    #[test]
    fn unit_wrapped_across_lines_is_masked_in_both_parts() {
        let t = target(
            "陈堃",
            "若羌县妇幼保健计划生育服务中心",
            &["若羌县妇幼保健院"],
        );
        let lines = vec![
            line_at(
                "本人承诺所提交材料真实，现工作于若羌县妇",
                100.0,
                400.0,
                36.0,
            ),
            line_at("幼保健院，如有虚假愿承担责任。", 100.0, 450.0, 36.0),
        ];
        let regions = regions_for(lines, &t);
        let units: Vec<&Region> = regions.iter().filter(|r| r.kind == Kind::Unit).collect();
        assert_eq!(units.len(), 2, "{regions:?}");
        assert!(units
            .iter()
            .any(|r| r.rect().y0 < 410.0 && covers(r, 100.0 + 16.0 * 36.0, 100.0 + 20.0 * 36.0)));
        assert!(units
            .iter()
            .any(|r| r.rect().y0 > 440.0 && covers(r, 100.0, 100.0 + 4.0 * 36.0)));
    }

    #[test]
    fn unit_split_across_table_cells_is_masked() {
        let t = target("王玥", "库尔勒市新城街道社区卫生服务中心", &[]);
        let lines = vec![
            line_at("库尔勒市新城街道", 100.0, 100.0, 30.0),
            line_at("社区卫生服务中心", 400.0, 100.0, 30.0),
        ];
        let units: Vec<Region> = regions_for(lines, &t)
            .into_iter()
            .filter(|r| r.kind == Kind::Unit)
            .collect();
        assert!(units.iter().any(|r| covers(r, 100.0, 340.0)), "{units:?}");
        assert!(units.iter().any(|r| covers(r, 400.0, 640.0)), "{units:?}");
    }

    #[test]
    fn eye_bar_covers_both_eyes_generously() {
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 220.0),
            score: 0.99,
            landmarks: [
                [130.0, 150.0],
                [170.0, 150.0],
                [150.0, 175.0],
                [135.0, 195.0],
                [165.0, 195.0],
            ],
        };
        let r = face_region(&face, false).rect();
        assert!(
            r.x0 <= 130.0 - 0.55 * 40.0 && r.x1 >= 170.0 + 0.55 * 40.0,
            "{r:?}"
        );
        assert!(
            r.y0 <= 150.0 - 0.35 * 40.0 && r.y1 >= 150.0 + 0.35 * 40.0,
            "{r:?}"
        );
        assert_eq!(face_region(&face, true).kind, Kind::Face);
    }

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
    fn undecided_folder_pages_are_reviewed_with_the_reason() {
        let t = Target {
            review: Some("fits roster rows 2, 3 alike".into()),
            ..target("王芳", "库尔勒市人民医院", &[])
        };
        let page = RgbImage::from_pixel(200, 200, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines: vec![line_at("王芳", 0.0, 0.0, 30.0)],
            faces: vec![],
            seals: vec![],
        };
        let findings = find(&page, &detections, Some(&t), &FindOptions::default());
        assert_eq!(findings.review, ["fits roster rows 2, 3 alike"]);
        assert_eq!(findings.regions.len(), 1);
    }

    #[test]
    fn id_number_checksum() {
        assert!(is_id_number("11010519491231002X"));
        assert!(!is_id_number("110105194912310021"));
        assert!(!is_id_number("1101051949123100"));
    }

    #[test]
    fn overlapping_boxes_of_a_kind_merge() {
        let r = |x0: f32, kind| Region {
            kind,
            evidence: Evidence::Roster,
            shape: Shape::rect(&Rect::new(x0, 0.0, x0 + 10.0, 10.0)),
        };
        let merged = merge_overlapping(vec![
            r(0.0, Kind::Name),
            r(5.0, Kind::Name),
            r(5.0, Kind::Unit),
            r(50.0, Kind::Name),
        ]);
        assert_eq!(merged.len(), 3);
        let short_on_long = merge_overlapping(vec![
            Region {
                shape: Shape::rect(&Rect::new(0.0, 0.0, 40.0, 12.0)),
                ..r(0.0, Kind::Name)
            },
            Region {
                shape: Shape::rect(&Rect::new(0.0, 10.0, 100.0, 30.0)),
                ..r(0.0, Kind::Name)
            },
        ]);
        assert_eq!(short_on_long.len(), 2, "{short_on_long:?}");
        // A seal's disc and the signer line through it stay two shapes: one would add the
        // corners between them.
        let disc = Region {
            shape: Shape::ellipse([100.0, 100.0], 60.0, 60.0),
            ..r(0.0, Kind::Unit)
        };
        let line = Region {
            shape: Shape::rect(&Rect::new(20.0, 90.0, 260.0, 110.0)),
            ..r(0.0, Kind::Unit)
        };
        assert_eq!(merge_overlapping(vec![disc, line]).len(), 2);
    }

    #[test]
    fn eye_bar_of_a_profile_covers_both_eyes_whole() {
        // Eyes 8 px apart on a face 100 px wide: the bar is sized by the face, not shrunk.
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 220.0),
            score: 0.99,
            landmarks: [
                [150.0, 150.0],
                [158.0, 150.0],
                [185.0, 178.0],
                [160.0, 197.0],
                [166.0, 197.0],
            ],
        };
        let bar = face_region(&face, false).shape;
        let r = bar.bbox();
        assert!(r.y0 <= 150.0 - 12.0 && r.y1 >= 150.0 + 12.0, "{r:?}");
        assert!(r.x0 <= 150.0 - 18.0 && r.x1 >= 158.0 + 18.0, "{r:?}");
        // Both eyes on one spot: still a bar round it.
        let one_spot = Face {
            landmarks: [
                [150.0, 150.0],
                [150.0, 150.0],
                [150.0, 175.0],
                [140.0, 195.0],
                [160.0, 195.0],
            ],
            ..face
        };
        assert!(face_region(&one_spot, false).shape.area() > 500.0);
    }

    #[test]
    fn eye_bar_of_a_tilted_face_lies_along_the_eye_line() {
        // Eyes 40 px apart on a line turned by 30 degrees.
        let (c, s) = (30f32.to_radians().cos(), 30f32.to_radians().sin());
        let left = [130.0, 150.0];
        let right = [130.0 + 40.0 * c, 150.0 + 40.0 * s];
        let face = Face {
            bbox: Rect::new(100.0, 100.0, 200.0, 240.0),
            score: 0.99,
            landmarks: [left, right, [150.0, 190.0], [130.0, 210.0], [160.0, 225.0]],
        };
        let bar = face_region(&face, false).shape;
        for eye in [left, right] {
            // Each eye with 0.5 eye distances round it along the line, 0.35 across.
            for (a, b) in [(-0.5, -0.35), (0.5, -0.35), (0.5, 0.35), (-0.5, 0.35)] {
                let p = [
                    eye[0] + 40.0 * (a * c - b * s),
                    eye[1] + 40.0 * (a * s + b * c),
                ];
                assert!(bar.contains(p, 0.0), "{p:?} outside {bar:?}");
            }
        }
        // The nose and the mouth stay visible; the page-aligned box would cover far more.
        assert!(!bar.contains([150.0, 190.0], 0.0));
        assert!(bar.area() < 0.6 * bar.bbox().area(), "{bar:?}");
    }
}
