//! Label hints: the text in the value position of labels such as 姓名 or 工作单位 is masked even
//! when it does not match the roster, and so is the addressee before a salutation at the start of
//! a line (______同学：) and the person a certificate's opening names (兹证明张三同志…). Where
//! that position holds ink no printed line explains (handwriting the OCR did not find), the ink
//! is masked.

use image::RgbImage;

use super::lines::Line;
use super::Findings;
use crate::base::pixels::{luminance, WRITING_INK};
use crate::base::{Evidence, Kind, Region};
use crate::geometry::{Rect, Shape};

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
    // A receipt's payer or patient signing it (failure class 5: a patient's signature on a
    // receipt).
    label("交款人签字", Kind::Name, true),
    label("缴款人签字", Kind::Name, true),
    label("付款人签字", Kind::Name, true),
    label("申报人签字", Kind::Name, true),
    label("申报人签名", Kind::Name, true),
    label("持证人签名", Kind::Name, true),
    label("本人签字", Kind::Name, true),
    label("本人签名", Kind::Name, true),
    label("个人签名", Kind::Name, true),
    label("患者签字", Kind::Name, true),
    label("患者签名", Kind::Name, true),
    label("病人签字", Kind::Name, true),
    label("病人签名", Kind::Name, true),
    label("工作单位", Kind::Unit, false),
    label("单位名称", Kind::Unit, false),
    label("所在单位", Kind::Unit, false),
    label("推荐单位", Kind::Unit, false),
    label("申报单位", Kind::Unit, false),
    label("送检医生", Kind::Name, false),
    label("送检医师", Kind::Name, false),
    label("医师签名", Kind::Name, true),
    label("医生签名", Kind::Name, true),
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
    "审核",
    "检验",
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

/// Words after the addressee's name at the start of a certificate or a letter (张三同志：).
const SALUTATIONS: &[&str] = &["同志", "同学", "先生", "女士"];
/// Words before a salutation that address many people, not one (各位同学：).
const GROUP_ADDRESSEES: &[&str] = &["各位", "全体", "广大", "诸位"];
/// Words before the addressee's name that are not part of it (尊敬的张三先生：).
const ADDRESS_PREFIXES: &[&str] = &["尊敬的", "亲爱的"];
/// The addressee before a salutation is masked as a name of at most this many characters.
const ADDRESSEE: Label = label("同志", Kind::Name, false);
/// Words opening a certificate or attestation whose next words name its person, up to a
/// salutation (兹证明张三同志系我院职工…).
const ATTESTATIONS: &[&str] = &["兹证明", "兹有", "兹授予", "兹聘任", "兹聘请", "兹推荐"];
/// Words between an attestation and the person's name that are not part of the name.
const ATTESTED_PREFIXES: &[&str] = &["我院职工", "我单位职工", "我院", "我单位", "本院", "本单位"];

/// Adds label-hint regions (and review reasons for unreadable values) to `findings`.
pub fn values(page: &RgbImage, lines: &[Line], findings: &mut Findings) {
    for line in lines {
        for (label, end) in labels_in(line) {
            match value_in_line(line, end, label) {
                Some((start, stop)) => mask_value(line, start, stop, label, findings),
                None => value_beside(page, lines, line, label, findings),
            }
        }
        if let Some(salutation) = salutation_in(line) {
            addressee(page, lines, line, salutation, findings);
        }
        match attested_person(line) {
            // The name fills the blank between the attestation and the salutation however wide
            // it is written (the character boxes of a signature read as a character or two are
            // guesses), and is masked whole whatever was read there: nothing is left to review.
            Some((start, end)) => findings.regions.push(Region {
                kind: Kind::Name,
                evidence: Evidence::Label,
                shape: line
                    .span_shape(start, end)
                    .hull(&line.between_shape(start - 1, end)),
            }),
            None => attested_blank(page, lines, line, findings),
        }
    }
}

/// The normalized span of the person an attestation names within its line (张三 in
/// 兹证明我院张三同志…), if the line has one: failure class "a name the recogniser half-reads",
/// whose cue is the attestation, not the roster.
fn attested_person(line: &Line) -> Option<(usize, usize)> {
    let start = attestation_end(line)?;
    let rest: String = line.norm.chars[start..].iter().collect();
    let at = SALUTATIONS
        .iter()
        .filter_map(|word| rest.find(word))
        .min()?;
    let len = rest[..at].chars().count();
    (len > 0 && len <= ADDRESSEE.max_len).then_some((start, start + len))
}

/// The normalized index just past an attestation's opening and the words after it that are
/// not the person's name (兹证明我院), if the line has one.
fn attestation_end(line: &Line) -> Option<usize> {
    let text: String = line.norm.chars.iter().collect();
    let after_opening = ATTESTATIONS
        .iter()
        .find_map(|word| text.find(word).map(|at| at + word.len()))?;
    let after = &text[after_opening..];
    let prefix = ATTESTED_PREFIXES
        .iter()
        .find(|prefix| after.starts_with(*prefix))
        .map_or(0, |prefix| prefix.len());
    Some(text[..after_opening + prefix].chars().count())
}

/// The person an attestation names, written by hand in the blank before the salutation, which
/// the recogniser reads as a line of its own (兹证明 ‹signature› 同志在…): the ink between the
/// attestation and the next line on its row that opens with a salutation is masked by
/// position, whatever was read there (failure class "handwritten names where no label says
/// name").
fn attested_blank(page: &RgbImage, lines: &[Line], line: &Line, findings: &mut Findings) {
    let Some(start) = attestation_end(line) else {
        return;
    };
    let opening_end = Rect::around(&line.line.glyphs[line.norm.origin[start - 1]].quad).x1;
    let h = line.bbox.height().max(1.0);
    let salutation = lines
        .iter()
        .filter(|l| {
            on_row(&l.bbox, &line.bbox, h)
                && l.bbox.x0 > opening_end
                && l.bbox.x0 < opening_end + MAX_BLANK * h
                && SALUTATIONS
                    .iter()
                    .any(|word| begins_with(&l.norm.chars, word))
        })
        .min_by(|a, b| a.bbox.x0.total_cmp(&b.bbox.x0));
    let Some(salutation) = salutation else {
        return;
    };
    let (s, sh) = (&salutation.bbox, salutation.bbox.height());
    let area = Rect::new(
        opening_end + 0.05 * sh,
        s.y0 - 0.8 * sh,
        s.x0 - 0.05 * sh,
        s.y1 + 0.5 * sh,
    );
    // What was read in the blank is the writing itself: no line explains its ink away.
    mask_ink(page, &[], area, sh, (Kind::Name, Evidence::Ink), findings);
}

/// Whether normalized characters `chars` begin with `word`.
fn begins_with(chars: &[char], word: &str) -> bool {
    chars
        .iter()
        .copied()
        .take(word.chars().count())
        .eq(word.chars())
}

/// The normalized index where a salutation opens the line (…同学： with nothing after the
/// colon), if one does.
fn salutation_in(line: &Line) -> Option<usize> {
    let chars = &line.norm.chars;
    SALUTATIONS.iter().find_map(|word| {
        let at = (0..chars.len()).find(|&i| begins_with(&chars[i..], word))?;
        let last = line.norm.origin[at + word.chars().count() - 1];
        let rest = &line.line.glyphs[last + 1..];
        let opens = rest.first().is_some_and(|g| "：:".contains(g.ch))
            && rest[1..].iter().all(|g| g.ch.is_whitespace());
        (opens && at <= ADDRESSEE.max_len).then_some(at)
    })
}

/// Masks the addressee before the salutation at normalized index `at`: the characters before it
/// on its line, or, when the line starts with the salutation, the line or ink just left of it.
fn addressee(page: &RgbImage, lines: &[Line], line: &Line, at: usize, findings: &mut Findings) {
    let chars = &line.norm.chars;
    let text: String = chars[..at].iter().collect();
    let start = ADDRESS_PREFIXES
        .iter()
        .find(|p| text.starts_with(*p))
        .map_or(0, |p| p.chars().count());
    if GROUP_ADDRESSEES.iter().any(|g| text.ends_with(g)) {
        return;
    }
    if start < at {
        mask_value(line, start, at, &ADDRESSEE, findings);
        // Handwriting is often larger than the print after it, so the name's estimated character
        // boxes reach into the salutation: on a left-to-right line, masks of the name (this one
        // and a roster match) stop halfway between the name's last character and the salutation.
        let glyph_x =
            |i: usize| Rect::around(&line.line.glyphs[line.norm.origin[i]].quad).center()[0];
        let [a, b, ..] = line.line.quad;
        if b[0] - a[0] > (b[1] - a[1]).abs() {
            let between = 0.5 * (glyph_x(at - 1) + glyph_x(at));
            for name in findings.regions.iter_mut().filter(|r| {
                let rect = r.rect();
                r.kind == Kind::Name
                    && shares_rows(&rect, &line.bbox)
                    && rect.x0 < between
                    && between < rect.x1
            }) {
                let rect = name.rect();
                let left_part = Rect::new(rect.x0 - 1.0, rect.y0 - 1.0, between, rect.y1 + 1.0);
                name.shape = name.shape.clipped_to(&Shape::rect(&left_part));
            }
        }
        return;
    }
    let h = line.bbox.height().max(1.0);
    let before = lines
        .iter()
        .filter(|l| {
            on_row(&l.bbox, &line.bbox, h)
                && l.bbox.x1 <= line.bbox.x0 + 0.2 * h
                && l.bbox.x1 > line.bbox.x0 - 3.0 * h
        })
        .max_by(|a, b| a.bbox.x1.total_cmp(&b.bbox.x1));
    match before {
        Some(name) if !name.norm.is_empty() => {
            let end = name.norm.chars.len();
            mask_value(
                name,
                end.saturating_sub(ADDRESSEE.max_len),
                end,
                &ADDRESSEE,
                findings,
            );
        }
        _ => {
            let area = Rect::new(
                line.bbox.x0 - 8.0 * h,
                line.bbox.y0 - 0.8 * h,
                line.bbox.x0 - 0.05 * h,
                line.bbox.y1 + 0.5 * h,
            );
            mask_ink(page, lines, area, h, (Kind::Name, Evidence::Ink), findings);
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
                if begins_with(&chars[end..], suffix) {
                    end += suffix.chars().count();
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
        shape: line.span_shape(start, end),
    });
    let glyphs = &line.line.glyphs[line.norm.origin[start]..=line.norm.origin[end - 1]];
    let confidence = glyphs.iter().map(|g| g.confidence).sum::<f32>() / glyphs.len() as f32;
    if confidence < crate::detect::MIN_LINE_CONFIDENCE && !label.signature {
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
    // OCR boxes of a label and the value after it may overlap by most of a character.
    let row = |l: &&Line| {
        on_row(&l.bbox, &label_line.bbox, h)
            && l.bbox.x0 >= label_line.bbox.x1 - h
            && l.bbox.x0 > label_line.bbox.center()[0]
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
        _ if value_masked_beside(findings, label_line, label.kind) => {}
        _ => {
            // The writing runs up to the next printed text on the row (the next field).
            let b = &label_line.bbox;
            let next_field = lines
                .iter()
                .filter(|l| on_row(&l.bbox, b, h) && l.bbox.x0 >= b.x1 - 0.2 * h)
                .map(|l| l.bbox.x0)
                .fold(b.x1 + MAX_WRITING * h, f32::min);
            let area = Rect::new(b.x1 + 0.1 * h, b.y0 - 1.2 * h, next_field, b.y1 + 1.2 * h);
            let evidence = if label.signature {
                Evidence::Signature
            } else {
                Evidence::Ink
            };
            mask_ink(page, lines, area, h, (label.kind, evidence), findings);
        }
    }
}

/// Whether `a`'s centre is on the row of `b`, a line `h` high: within half a line height.
fn on_row(a: &Rect, b: &Rect, h: f32) -> bool {
    (a.center()[1] - b.center()[1]).abs() < 0.5 * h
}

/// Whether two boxes share some rows of pixels.
fn shares_rows(a: &Rect, b: &Rect) -> bool {
    a.y0 < b.y1 && b.y0 < a.y1
}

/// Whether a region of `kind` (a roster match) already covers the row to the right of the label.
fn value_masked_beside(findings: &Findings, label_line: &Line, kind: Kind) -> bool {
    let b = &label_line.bbox;
    findings
        .regions
        .iter()
        .any(|r| r.kind == kind && shares_rows(&r.rect(), b) && r.rect().x1 > b.x1)
}

/// Masks as `kind` the ink in `area` that no printed line explains.
fn mask_ink(
    page: &RgbImage,
    lines: &[Line],
    area: Rect,
    line_height: f32,
    (kind, evidence): (Kind, Evidence),
    findings: &mut Findings,
) {
    if let Some(rect) = loose_ink(page, lines, area, line_height) {
        findings.regions.push(Region {
            kind,
            evidence,
            shape: Shape::rect(&rect),
        });
    }
}

/// The box of the dark ink in `area` that neither a printed text line nor a ruled line explains
/// (rules: dark runs longer than [`RULE_LENGTH`] line heights across or [`RULE_HEIGHT`] down),
/// if there is a stroke's worth of it.
fn loose_ink(page: &RgbImage, lines: &[Line], area: Rect, line_height: f32) -> Option<Rect> {
    let h = line_height;
    let [x0, y0, x1, y1] = area.to_pixels(page.width(), page.height());
    if x1 <= x0 || y1 <= y0 {
        // The next field starts right after the label: no room for writing.
        return None;
    }
    let (w, rows) = ((x1 - x0) as usize, (y1 - y0) as usize);
    let printed: Vec<Rect> = lines
        .iter()
        .filter(|l| !l.line.is_unreadable())
        .map(|l| l.bbox)
        .collect();
    let mut dark = vec![false; w * rows];
    for (i, d) in dark.iter_mut().enumerate() {
        let (x, y) = (x0 + (i % w) as u32, y0 + (i / w) as u32);
        let p = page.get_pixel(x, y).0;
        let (fx, fy) = (x as f32 + 0.5, y as f32 + 0.5);
        *d = luminance(p) < WRITING_INK && !printed.iter().any(|r| r.contains(fx, fy));
    }
    let ruled = ruled_pixels(&dark, w, rows, RULE_LENGTH * h, RULE_HEIGHT * h);
    let mut ink: Option<Rect> = None;
    let mut count = 0usize;
    for (i, _) in dark
        .iter()
        .zip(&ruled)
        .enumerate()
        .filter(|(_, (d, r))| **d && !**r)
    {
        count += 1;
        let (fx, fy) = ((x0 as usize + i % w) as f32, (y0 as usize + i / w) as f32);
        let dot = Rect::new(fx, fy, fx + 1.0, fy + 1.0);
        ink = Some(ink.map_or(dot, |r| r.union(&dot)));
    }
    // A few specks are dust; a signature has at least a short stroke's worth of ink.
    (count as f32 >= 2.0 * h)
        .then(|| ink.map(|r| r.padded(0.3 * h, 0.3 * h)))
        .flatten()
}

/// Writing after a label is looked for up to this many of the label's heights to its right.
const MAX_WRITING: f32 = 16.0;
/// A certificate's blank for a name reaches at most this many line heights.
const MAX_BLANK: f32 = 8.0;
/// A dark run longer than this many line heights across is a rule (an underline, a table's
/// border), not writing.
const RULE_LENGTH: f32 = 3.0;
/// A dark run longer than this many line heights down is a table's border.
const RULE_HEIGHT: f32 = 1.8;

/// Which of the `dark` pixels (`w` x `rows`, row by row) lie on a straight run longer than
/// `across` pixels along a row or `down` pixels along a column. A run may wander by a pixel to
/// either side, so the slightly slanted rules of a photographed form count too.
fn ruled_pixels(dark: &[bool], w: usize, rows: usize, across: f32, down: f32) -> Vec<bool> {
    let mut ruled = vec![false; dark.len()];
    let mut mark_runs = |index: &dyn Fn(usize, usize) -> usize, lines: usize, len: usize, min| {
        let near = |a: usize, b: usize| {
            (a.saturating_sub(1)..=(a + 1).min(lines - 1)).filter(move |&n| dark[index(n, b)])
        };
        for a in 0..lines {
            let mut start = 0;
            for b in 0..=len {
                if b < len && near(a, b).next().is_some() {
                    continue;
                }
                if (b - start) as f32 > min {
                    for k in start..b {
                        near(a, k).for_each(|n| ruled[index(n, k)] = true);
                    }
                }
                start = b + 1;
            }
        }
    };
    mark_runs(&|y, x| y * w + x, rows, w, across);
    mark_runs(&|x, y| y * w + x, w, rows, down);
    ruled
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{line_at, target};
    use super::super::{on_page as find_all, FindOptions};
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
        let r = findings.regions[0].rect();
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
                .any(|r| r.kind == Kind::Unit && r.rect().x0 <= 260.0 && r.rect().x1 >= 470.0),
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
        assert!(sig.rect().x0 <= 420.0 && sig.rect().x1 >= 560.0, "{sig:?}");
    }

    #[test]
    fn a_payers_or_patients_signature_on_a_receipt_is_masked() {
        let t = target("王玥", "和静县中医医院", &[]);
        for label in ["患者签字：", "交款人签字："] {
            let mut page = white();
            scribble(&mut page, 420, 100, 140);
            let lines = vec![line_at(label, 100.0, 100.0, 30.0)];
            let findings = findings_on(&page, lines, &t);
            let sig = findings
                .regions
                .iter()
                .find(|r| r.evidence == Evidence::Signature)
                .unwrap_or_else(|| panic!("{label}: {findings:?}"));
            assert!(sig.rect().x0 <= 420.0 && sig.rect().x1 >= 560.0, "{sig:?}");
        }
    }

    /// Draws a scribble of `len` pixels from (x, y), about 25 pixels high, as a hand would.
    fn scribble(page: &mut RgbImage, x: u32, y: u32, len: u32) {
        for dx in 0..len {
            for dy in 0..4 {
                page.put_pixel(x + dx, y + (dx % 23) + dy, image::Rgb([25, 45, 150]));
            }
        }
    }

    /// A table row's rules around a cell from x 300 to 700, y 80 to 160.
    fn cell_rules(page: &mut RgbImage) {
        for x in 80..1100 {
            for y in [80, 81, 160, 161] {
                page.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
        for y in 80..162 {
            for x in [300, 301, 700, 701] {
                page.put_pixel(x, y, image::Rgb([0, 0, 0]));
            }
        }
    }

    #[test]
    fn handwriting_the_ocr_missed_in_a_name_or_unit_cell_is_masked() {
        let t = target("王玥", "和静县中医医院", &[]);
        for (label, kind) in [("姓名", Kind::Name), ("工作单位", Kind::Unit)] {
            let mut page = white();
            cell_rules(&mut page);
            scribble(&mut page, 330, 105, 150);
            let lines = vec![line_at(label, 100.0, 105.0, 30.0)];
            let findings = findings_on(&page, lines, &t);
            assert_eq!(findings.regions.len(), 1, "{label}: {findings:?}");
            let region = &findings.regions[0];
            assert_eq!(
                (region.kind, region.evidence),
                (kind, Evidence::Ink),
                "{label}"
            );
            // The scribble, not the cell's rules.
            let r = region.rect();
            assert!(r.x0 <= 330.0 && r.x1 >= 480.0, "{r:?}");
            assert!(r.x0 > 302.0 && r.x1 < 560.0, "{r:?}");
            assert!(r.y0 > 82.0 && r.y1 < 160.0, "{r:?}");
        }
    }

    /// The audit's re-scan of a masked page: the run masked the name it read beside the label;
    /// what is left beside it (the mask, a stroke of a photo's edge) is no new finding.
    #[test]
    fn a_value_already_masked_asks_for_nothing_more() {
        let t = target("王玥", "和静县中医医院", &[]);
        let mut page = white();
        let mask = Shape::rect(&Rect::new(160.0, 100.0, 260.0, 130.0));
        for (x, y) in mask.touched_pixels(0.0, page.width(), page.height()) {
            page.put_pixel(x, y, image::Rgb([0, 0, 0]));
        }
        scribble(&mut page, 400, 100, 60);
        let lines = vec![line_at("姓名", 100.0, 100.0, 30.0)];
        let detections = Detections {
            lines,
            ..Detections::default()
        };
        let unmasked = find_all(&page, &detections, Some(&t), &FindOptions::default());
        assert_eq!(unmasked.regions[0].evidence, Evidence::Ink, "{unmasked:?}");
        let masks = [Region {
            kind: Kind::Name,
            evidence: Evidence::Label,
            shape: mask,
        }];
        let rescan = super::super::on_masked_page(&page, &detections, Some(&t), &masks);
        assert!(rescan.regions.is_empty(), "{rescan:?}");
    }

    /// A line of punctuation starting right after the label left the writing's area inverted,
    /// and the finder asked for terabytes.
    #[test]
    fn a_field_right_after_the_label_leaves_no_room_for_writing() {
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = vec![
            line_at("姓名", 100.0, 100.0, 30.0),
            line_at("：", 158.0, 100.0, 30.0),
        ];
        let findings = findings_on(&white(), lines, &t);
        assert!(findings.regions.iter().all(|r| r.evidence != Evidence::Ink));
    }

    #[test]
    fn empty_cells_and_their_rules_mask_nothing() {
        let t = target("王玥", "和静县中医医院", &[]);
        let mut page = white();
        cell_rules(&mut page);
        let lines = vec![line_at("姓名", 100.0, 105.0, 30.0)];
        let findings = findings_on(&page, lines, &t);
        assert!(findings.regions.is_empty(), "{findings:?}");
    }

    #[test]
    fn a_name_written_in_a_certificates_blank_is_masked_by_position() {
        // Failure class "handwritten names where no label says name": the recogniser reads the
        // signature as junk on the attestation's line, the salutation as a line of its own.
        let t = target("王玥", "和静县中医医院", &[]);
        let lines = || {
            vec![
                line_at("兹证明人M", 100.0, 100.0, 30.0),
                line_at("同志在2023年度工作中表现突出", 320.0, 100.0, 30.0),
            ]
        };
        let mut page = white();
        scribble(&mut page, 195, 98, 105);
        let findings = findings_on(&page, lines(), &t);
        let name = findings
            .regions
            .iter()
            .find(|r| r.kind == Kind::Name)
            .expect("the name in the blank");
        let r = name.rect();
        assert!(r.x0 <= 195.0 && r.x1 >= 300.0, "{r:?}");
        assert!(
            r.x0 >= 185.0 && r.x1 <= 320.0,
            "the print stays visible: {r:?}"
        );
        // An empty blank, or one with only its underline, masks nothing.
        let mut underlined = white();
        for x in 195..315 {
            underlined.put_pixel(x, 132, image::Rgb([0, 0, 0]));
        }
        for page in [white(), underlined] {
            let findings = findings_on(&page, lines(), &t);
            assert!(findings.regions.is_empty(), "{findings:?}");
        }
    }

    #[test]
    fn the_addressee_before_a_salutation_is_masked_as_the_name() {
        let t = target("王玥", "和静县中医医院", &[]);
        // Misread handwriting before 同学：, read as its own line or as part of it.
        let joined = vec![line_at("王明同学：", 100.0, 100.0, 30.0)];
        let apart = vec![
            line_at("王明", 100.0, 100.0, 30.0),
            line_at("同学：", 180.0, 100.0, 30.0),
        ];
        for lines in [joined, apart] {
            let findings = findings_on(&white(), lines, &t);
            assert_eq!(findings.regions.len(), 1, "{findings:?}");
            let r = findings.regions[0].rect();
            assert!(r.x0 <= 100.0 && r.x1 >= 160.0 && r.x1 < 185.0, "{r:?}");
        }
        // Unread: only ink before the salutation.
        let mut page = white();
        scribble(&mut page, 110, 100, 120);
        let findings = findings_on(&page, vec![line_at("同学：", 250.0, 100.0, 30.0)], &t);
        let ink = findings.regions.first().expect("ink masked");
        assert_eq!(ink.evidence, Evidence::Ink);
        assert!(ink.rect().x0 <= 110.0 && ink.rect().x1 >= 230.0, "{ink:?}");
    }

    #[test]
    fn the_person_an_attestation_names_is_masked_however_it_is_read() {
        let t = target("凌云", "和静县中医医院", &[]);
        // 凌 misread as 漆: the roster does not match, the attestation's cue does.
        for (text, name) in [
            ("兹证明漆云同志系我院在编职工。", "漆云"),
            ("兹证明我院漆云同志于2020年起任主治医师。", "漆云"),
        ] {
            let line = line_at(text, 100.0, 100.0, 30.0);
            let at = text.find(name).unwrap();
            let x0 = 100.0 + 30.0 * text[..at].chars().count() as f32;
            let findings = findings_on(&white(), vec![line], &t);
            assert_eq!(findings.regions.len(), 1, "{text}: {findings:?}");
            let r = findings.regions[0].rect();
            assert!(
                r.x0 <= x0 && r.x1 >= x0 + 60.0 && r.x1 < x0 + 75.0,
                "{text}: {r:?}"
            );
        }
        let findings = findings_on(
            &white(),
            vec![line_at("兹证明该单位已通过年度考核。", 100.0, 100.0, 30.0)],
            &t,
        );
        assert!(findings.regions.is_empty(), "{findings:?}");
    }

    #[test]
    fn the_requesting_doctor_of_a_lab_report_is_masked() {
        let t = target("孟丁", "和静县中医医院", &[]);
        let lines = vec![line_at("送检医生：孟丁 审核：", 100.0, 100.0, 15.0)];
        let findings = findings_on(&white(), lines, &t);
        assert!(
            findings
                .regions
                .iter()
                .any(|r| r.kind == Kind::Name && r.rect().x0 <= 175.0 && r.rect().x1 >= 205.0),
            "{findings:?}"
        );
    }

    #[test]
    fn salutations_to_many_or_inside_a_sentence_mask_nothing() {
        let t = target("王玥", "和静县中医医院", &[]);
        for text in [
            "各位同学：",
            "尊敬的各位先生：",
            "该同志工作认真负责，业务能力强。",
        ] {
            let findings = findings_on(&white(), vec![line_at(text, 100.0, 100.0, 30.0)], &t);
            assert!(findings.regions.is_empty(), "{text}: {findings:?}");
        }
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
