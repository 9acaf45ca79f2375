//! Label hints: the text in the value position of labels such as 姓名 or 工作单位 is masked even
//! when it does not match the roster; handwriting after a signature label is masked as the name.

use image::RgbImage;

use super::{Evidence, Findings, Kind, Line, Region};
use crate::geometry::Rect;

/// A label whose value identifies the applicant.
struct Label {
    text: &'static str,
    kind: Kind,
    /// The value may be handwritten (a signature) and unreadable to OCR.
    signature: bool,
    /// Most characters a value can have.
    max_len: usize,
}

const fn label(text: &'static str, kind: Kind, signature: bool) -> Label {
    let max_len = if matches!(kind, Kind::Name) { 10 } else { 32 };
    Label {
        text,
        kind,
        signature,
        max_len,
    }
}

/// Labels, longest first so that 本人签名 wins over 签名.
const LABELS: &[Label] = &[
    label("申报人签字", Kind::Name, true),
    label("申报人签名", Kind::Name, true),
    label("持证人签名", Kind::Name, true),
    label("本人签字", Kind::Name, true),
    label("本人签名", Kind::Name, true),
    label("个人签名", Kind::Name, true),
    label("工作单位", Kind::Unit, false),
    label("单位名称", Kind::Unit, false),
    label("所在单位", Kind::Unit, false),
    label("推荐单位", Kind::Unit, false),
    label("申报单位", Kind::Unit, false),
    label("承诺人", Kind::Name, true),
    label("申报人", Kind::Name, false),
    label("申请人", Kind::Name, false),
    label("持证人", Kind::Name, false),
    label("姓名", Kind::Name, false),
];

/// Words that end a value: the next field of a form.
const STOP_WORDS: &[&str] = &[
    "性别",
    "民族",
    "出生",
    "年龄",
    "身份证",
    "职务",
    "职称",
    "科室",
    "专业",
    "学历",
    "学位",
    "籍贯",
    "电话",
    "日期",
    "时间",
    "编号",
    "部门",
    "岗位",
    "政治",
    "参加工作",
    "现任",
    "任职",
    "年月",
    "工作单位",
    "单位",
    "姓名",
    "签字",
    "签名",
    "盖章",
];

/// Words between a label and its value that are part of the label (承诺人（签字）：).
const LABEL_SUFFIXES: &[&str] = &["签字", "签名", "盖章", "手签"];

/// Adds label-hint regions (and review reasons for unreadable values) to `findings`.
pub fn find(page: &RgbImage, lines: &[Line], findings: &mut Findings) {
    for line in lines {
        for (label, end) in labels_in(line) {
            match value_in_line(line, end, label) {
                Some((start, stop)) => mask_value(line, start, stop, label, findings),
                None => value_beside(page, lines, line, label, findings),
            }
        }
    }
}

/// Each label in the line and the normalized index just past it (and past any label suffix).
fn labels_in<'l>(line: &Line) -> Vec<(&'l Label, usize)> {
    let text: String = line.norm.chars.iter().collect();
    let chars = &line.norm.chars;
    let mut found: Vec<(&Label, usize, usize)> = Vec::new();
    for l in LABELS {
        for (byte_pos, _) in text.match_indices(l.text) {
            let start = text[..byte_pos].chars().count();
            let mut end = start + l.text.chars().count();
            if found.iter().any(|&(_, s, e)| start < e && s < end)
                || broken_by_punctuation(line, start, end)
                || ends_a_clause(line, end)
            {
                continue;
            }
            for suffix in LABEL_SUFFIXES {
                let sc: Vec<char> = suffix.chars().collect();
                if chars[end..].starts_with(&sc) {
                    end += sc.len();
                }
            }
            found.push((l, start, end));
        }
    }
    found.into_iter().map(|(l, _, end)| (l, end)).collect()
}

/// Whether punctuation sits inside normalized characters `start..end` (申报、单位 is two words of
/// a sentence, not the label 申报单位; spaces inside a label, as in 姓  名, are fine).
fn broken_by_punctuation(line: &Line, start: usize, end: usize) -> bool {
    let (first, last) = (line.norm.origin[start], line.norm.origin[end - 1]);
    line.line.glyphs[first..=last]
        .iter()
        .any(|g| !g.ch.is_whitespace() && !g.ch.is_alphanumeric())
}

/// Whether the label at normalized characters `..end` is followed by clause punctuation: a word
/// of running text (请署真实姓名。), not a field.
fn ends_a_clause(line: &Line, end: usize) -> bool {
    line.line
        .glyphs
        .get(line.norm.origin[end - 1] + 1)
        .is_some_and(|g| "。，,；;、！？".contains(g.ch))
}

/// The value following a label in the same line: up to a stop word, a wide gap, a digit after a
/// name (the date beside a signature) or the label's `max_len`.
fn value_in_line(line: &Line, from: usize, label: &Label) -> Option<(usize, usize)> {
    let (kind, max_len) = (label.kind, label.max_len);
    let chars = &line.norm.chars;
    let h = line.line.height();
    let mut end = from;
    while end < chars.len() && end - from < max_len {
        let rest: String = chars[end..].iter().collect();
        let digit_after_name = kind == Kind::Name && chars[end].is_ascii_digit();
        // A field name where the value should be (the next header cell of a table) ends it too.
        if digit_after_name || STOP_WORDS.iter().any(|w| rest.starts_with(w)) {
            break;
        }
        if end > from {
            let prev =
                crate::geometry::Rect::around(&line.line.glyphs[line.norm.origin[end - 1]].quad);
            let next = crate::geometry::Rect::around(&line.line.glyphs[line.norm.origin[end]].quad);
            if next.x0 - prev.x1 > 2.0 * h {
                break;
            }
        }
        end += 1;
    }
    (end > from).then_some((from, end))
}

fn mask_value(line: &Line, start: usize, end: usize, label: &Label, findings: &mut Findings) {
    let evidence = if label.signature {
        Evidence::Signature
    } else {
        Evidence::Label
    };
    findings.regions.push(Region {
        kind: label.kind,
        evidence,
        rect: line.span_box(start, end),
    });
    let glyphs = &line.line.glyphs[line.norm.origin[start]..=line.norm.origin[end - 1]];
    let confidence = glyphs.iter().map(|g| g.confidence).sum::<f32>() / glyphs.len() as f32;
    if confidence < crate::detect::ocr::MIN_LINE_CONFIDENCE && !label.signature {
        findings
            .review
            .push(format!("unreadable text after the label {}", label.text));
    }
}

/// The value of a label that ends its line: the next cell to the right, or, for a signature,
/// the ink to the right of the label.
fn value_beside(
    page: &RgbImage,
    lines: &[Line],
    label_line: &Line,
    label: &Label,
    findings: &mut Findings,
) {
    let h = label_line.bbox.height().max(1.0);
    let row = |l: &&Line| {
        (l.bbox.center()[1] - label_line.bbox.center()[1]).abs() < 0.5 * h
            && l.bbox.x0 >= label_line.bbox.x1 - 0.2 * h
            && l.bbox.x0 < label_line.bbox.x1 + 8.0 * h
    };
    let beside = lines
        .iter()
        .filter(row)
        .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    match beside {
        Some(cell) if !cell.norm.is_empty() => {
            if let Some((start, end)) = value_in_line(cell, 0, label) {
                mask_value(cell, start, end, label, findings);
            }
        }
        _ if label.signature => {
            if let Some(rect) = ink_right_of(page, lines, &label_line.bbox) {
                findings.regions.push(Region {
                    kind: Kind::Name,
                    evidence: Evidence::Signature,
                    rect,
                });
            }
        }
        _ => {}
    }
}

/// The box of dark ink to the right of a label that no printed text line explains.
fn ink_right_of(page: &RgbImage, lines: &[Line], label: &Rect) -> Option<Rect> {
    let h = label.height().max(1.0);
    let area = Rect::new(
        label.x1 + 0.1 * h,
        label.y0 - 1.2 * h,
        label.x1 + 9.0 * h,
        label.y1 + 1.2 * h,
    );
    let [x0, y0, x1, y1] = area.to_pixels(page.width(), page.height());
    let printed: Vec<Rect> = lines
        .iter()
        .filter(|l| !l.line.is_unreadable())
        .map(|l| l.bbox)
        .collect();
    let mut ink: Option<Rect> = None;
    let mut count = 0usize;
    for y in y0..y1 {
        for x in x0..x1 {
            let p = page.get_pixel(x, y).0;
            let luma = (u32::from(p[0]) * 3 + u32::from(p[1]) * 6 + u32::from(p[2])) / 10;
            if luma >= 110 {
                continue;
            }
            let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
            if printed
                .iter()
                .any(|r| fx >= r.x0 && fx < r.x1 && fy >= r.y0 && fy < r.y1)
            {
                continue;
            }
            count += 1;
            let dot = Rect::new(fx - 0.5, fy - 0.5, fx + 0.5, fy + 0.5);
            ink = Some(ink.map_or(dot, |r| r.union(&dot)));
        }
    }
    // A few specks are dust; a signature has at least a short stroke's worth of ink.
    (count as f32 >= 2.0 * h)
        .then(|| ink.map(|r| r.padded(0.3 * h, 0.3 * h)))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{line_at, target};
    use super::super::{find as find_all, FindOptions};
    use super::*;
    use crate::detect::Detections;

    /// Everything found on `page` with these OCR lines and no faces or seals.
    fn findings_on(
        page: &RgbImage,
        lines: Vec<crate::detect::TextLine>,
        t: &crate::find::Target,
    ) -> Findings {
        let detections = Detections {
            lines,
            ..Detections::default()
        };
        find_all(page, &detections, Some(t), &FindOptions::default())
    }

    fn white() -> RgbImage {
        RgbImage::from_pixel(1200, 800, image::Rgb([255, 255, 255]))
    }

    #[test]
    fn value_after_a_name_label_is_masked_even_when_misread() {
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = vec![line_at("姓名：王明 性别：女", 100.0, 100.0, 30.0)];
        let findings = findings_on(&white(), lines, &t);
        assert_eq!(findings.regions.len(), 1, "{findings:?}");
        let r = findings.regions[0].rect;
        assert_eq!(findings.regions[0].evidence, Evidence::Label);
        assert!(r.x0 <= 190.0 && r.x1 >= 250.0 && r.x1 < 290.0, "{r:?}");
    }

    #[test]
    fn unit_in_the_next_table_cell_is_masked() {
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = vec![
            line_at("工作单位", 100.0, 100.0, 30.0),
            line_at("和硕县人民医院", 260.0, 100.0, 30.0),
        ];
        let findings = findings_on(&white(), lines, &t);
        assert!(
            findings
                .regions
                .iter()
                .any(|r| r.kind == Kind::Unit && r.rect.x0 <= 260.0 && r.rect.x1 >= 470.0),
            "{findings:?}"
        );
    }

    #[test]
    fn unreadable_value_sends_the_page_to_review() {
        let t = target("王玥", "和静县中医医院", &[]);
        let mut line = line_at("姓名：口口", 100.0, 100.0, 30.0);
        for g in &mut line.glyphs[3..] {
            g.confidence = 0.2;
        }
        let findings = findings_on(&white(), vec![line], &t);
        assert!(!findings.review.is_empty());
        assert_eq!(findings.regions.len(), 1);
    }

    #[test]
    fn handwriting_after_a_signature_label_is_masked() {
        let t = target("王玥", "和静县中医医院", &[]);
        let mut page = white();
        // A scribble right of the label, unread by OCR.
        for x in 420..560u32 {
            let y = 110 + (x % 23);
            for dy in 0..4 {
                page.put_pixel(x, y + dy, image::Rgb([20, 20, 30]));
            }
        }
        let lines = vec![line_at("承诺人（签字）：", 100.0, 100.0, 30.0)];
        let findings = findings_on(&page, lines, &t);
        let sig = findings
            .regions
            .iter()
            .find(|r| r.evidence == Evidence::Signature)
            .expect("signature");
        assert!(sig.rect.x0 <= 420.0 && sig.rect.x1 >= 560.0, "{sig:?}");
    }

    #[test]
    fn empty_signature_field_masks_nothing() {
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = vec![line_at("承诺人（签字）：", 100.0, 100.0, 30.0)];
        let findings = findings_on(&white(), lines, &t);
        assert!(findings.regions.is_empty(), "{findings:?}");
    }

    #[test]
    fn head_of_unit_signature_is_not_a_label() {
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = vec![line_at("单位负责人签字：李强", 100.0, 100.0, 30.0)];
        let findings = findings_on(&white(), lines, &t);
        assert!(findings.regions.is_empty(), "{findings:?}");
    }

    #[test]
    fn words_of_a_sentence_split_by_punctuation_are_not_a_label() {
        let t = target("张婧", "和静县中医医院", &[]);
        let lines = vec![line_at(
            "经个人申报、单位推荐，现将张婧同志申报临床医学检验技术专业",
            100.0,
            100.0,
            30.0,
        )];
        let findings = findings_on(&white(), lines, &t);
        assert!(
            findings.regions.iter().all(|r| r.kind == Kind::Name),
            "{findings:?}"
        );
    }

    #[test]
    fn header_cells_and_words_of_a_sentence_are_not_values() {
        let t = target("李建国", "巴州人民医院", &[]);
        let lines = vec![
            line_at("姓名", 100.0, 100.0, 30.0),
            line_at("科室", 300.0, 100.0, 30.0),
            line_at(
                "如有异议，请署真实姓名。联系电话：0996-2012345",
                100.0,
                300.0,
                30.0,
            ),
        ];
        let findings = findings_on(&white(), lines, &t);
        assert!(findings.regions.is_empty(), "{findings:?}");
    }
}
