//! Official seals (公章): round rings carrying a unit's name. A seal is masked as the applicant's
//! unit unless its ring text, or failing that the text around it, shows that it belongs to
//! another body (an issuing authority, a school, an organiser, a company); when in doubt it is
//! masked.

use image::RgbImage;

use super::lines::Line;
use super::payee;
use super::terms::{Target, Term};
use crate::base::pixels::{luminance, WRITING_INK};
use crate::base::text::{find_approx, is_han, Normalized};
use crate::base::{Evidence, Kind, Region};
use crate::detect::{Detections, ReadChar};
use crate::geometry::{Ellipse, Rect, Shape};

/// Words showing that a seal belongs to an issuer, not to the applicant's unit: assessing and
/// health authorities, schools, and the finance and tax departments whose 监制章 receipts and
/// invoices carry (failure class "another body's seal").
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
    "财政",
    "监制",
    // The finance bureau's 监制 seal printed on every receipt, its ring often read with a slip.
    "票据监制",
    // Its middle reads 财政部监制 (a ministry: 财政部, 民政部).
    "政部",
    "税务",
];

/// Words that end the name of a body: a text read surely that holds one, and little of the
/// unit, names another body (failure class "another body's seal": a certificate's organisers,
/// a licence's regulator, a company's invoice seal).
const BODY_WORDS: &[&str] = &[
    "委员会",
    "学会",
    "商会",
    "协会",
    "公司",
    // 有限公司 with its last characters lost where the ring text ends.
    "有限",
    "医院",
    "卫生院",
    "大学",
    "学院",
    "学校",
    "管理局",
    "分局",
    "厅",
    "中心",
    "研究所",
    "银行",
    "集团",
    "青年团",
];

/// Words of diplomas and degree certificates: their seals are the school's, never the unit's
/// (unless the ring text names the unit).
const SCHOOL_DOCUMENT_WORDS: &[&str] =
    &["毕业证书", "学位证书", "准予毕业", "学士学位", "硕士学位"];

/// Words of a receipt's or an invoice's title (…医疗住院收费票据, …增值税普通发票): the seal
/// printed over the title is the finance or tax bureau's 监制 seal, never the unit's, whose
/// seal is stamped by the payee's line (failure class "another body's seal").
const RECEIPT_TITLE_WORDS: &[&str] = &["票据", "发票", "收费"];

/// The middle of a seal (收费专用章, 财务专用章, 发票专用章): never a receipt's title.
const SEAL_MIDDLE_WORDS: &[&str] = &["专用"];

/// The middle of an invoice seal (发票专用章, read with its first or last character lost): the
/// seller's, another body than the applicant's unit unless its ring names the unit (failure
/// class "another body's seal": a company's invoice among an applicant's receipts).
const INVOICE_SEAL_WORDS: &[&str] = &["发票专用", "票专用章"];

/// The tuning of [`regions`]: how a seal, its signer text and its owner are told, as fractions
/// of the seal's or a text line's size.
#[derive(Debug, Clone, PartialEq)]
pub struct SealRules {
    /// A seal within this share of a face's box (each side) is printed on a photo (an ID card's
    /// emblem), not stamped.
    pub face_margin: f32,
    /// The masked disc's radii, as shares of the ring's diameters: the ring grown by 4 %.
    pub disc_radius: f32,
    /// A line crossing the seal is its signer line when lower than this share of the seal
    /// (taller boxes are the seal's own strokes).
    pub max_signer_height: f32,
    /// Padding of a masked signer line (along, across), in line heights.
    pub signer_pad: (f32, f32),
    /// Share of the seal's height at its top and bottom that a line through its middle band
    /// leaves out.
    pub middle_band_margin: f32,
    /// A line piece beside the seal counts as crossing it within this many line heights.
    pub crossing_reach: f32,
    /// ... or when this share of its box lies in the middle band.
    pub crossing_share: f32,
    /// Text running out of the seal is followed in the rows between this share of the seal's
    /// height from its top and from its bottom.
    pub run_band_margin: f32,
    /// Pixels beyond the disc's edge in which ink counts as touching it.
    pub run_probe: i64,
    /// Text rows running out are one line while gaps are at most this many rows.
    pub run_row_gap: i64,
    /// Lines running out are between this many pixels and this share of the seal's height high.
    pub run_height: (f32, f32),
    /// A run ends at a gap wider than this many text heights (a character's spacing).
    pub run_max_gap: f32,
    /// A run reaches at most this many seal widths from the disc.
    pub run_max_reach: f32,
    /// Padding of a run, in text heights.
    pub run_pad: f32,
    /// Text around the seal that tells its owner: first within this share of its size, then
    /// within (across, down) seal sizes.
    pub owner_areas: (f32, (f32, f32)),
    /// A ring names the unit with up to one slip per this many of the unit's characters (at
    /// least the unit term's own tolerance).
    pub ring_chars_per_slip: usize,
    /// A receipt's title lies in this share of the page from its top.
    pub title_band: f32,
    /// A seal's middle, where an invoice seal reads 发票专用章, leaves out this share of its box
    /// on each side.
    pub middle_margin: f32,
    /// A cashier's seal is at most this many times as wide as high (a 监制 seal printed under a
    /// receipt's title is wider, about 1.8).
    pub max_cashier_stretch: f32,
    /// A receipt's payee line lies at most this many seal heights below a cashier's seal
    /// stamped over the receipt's items.
    pub payee_reach: f32,
    /// Characters read with at least this confidence are read surely.
    pub sure: f32,
    /// A text names another body when at least this many of its Chinese characters are read
    /// surely...
    pub min_body_chars: usize,
    /// ... and they hold less than this share of the unit's characters...
    pub max_unit_share: f32,
    /// ... and at least this many characters that are not the unit's.
    pub min_foreign_chars: usize,
}

impl Default for SealRules {
    fn default() -> SealRules {
        SealRules {
            face_margin: 0.3,
            disc_radius: 0.52,
            max_signer_height: 0.3,
            signer_pad: (0.2, 0.1),
            middle_band_margin: 0.2,
            crossing_reach: 1.5,
            crossing_share: 0.3,
            run_band_margin: 0.3,
            run_probe: 12,
            run_row_gap: 2,
            run_height: (5.0, 0.4),
            run_max_gap: 0.6,
            run_max_reach: 1.5,
            run_pad: 0.2,
            owner_areas: (0.1, (1.0, 0.6)),
            ring_chars_per_slip: 4,
            title_band: 0.25,
            middle_margin: 0.2,
            max_cashier_stretch: 1.6,
            payee_reach: 3.0,
            sure: 0.5,
            min_body_chars: 5,
            max_unit_share: 0.34,
            min_foreign_chars: 2,
        }
    }
}

/// Finds seals to mask and the unit lines stamped over by them.
pub fn regions(
    page: &RgbImage,
    detections: &Detections,
    lines: &[Line],
    target: Option<&Target>,
    unit_boxes: &[Rect],
) -> Vec<Region> {
    let rules = SealRules::default();
    let mut regions = Vec::new();
    let school_document = lines.iter().any(|l| reads_any(l, SCHOOL_DOCUMENT_WORDS));
    let units: Vec<&Term> = target.map(|t| t.units().collect()).unwrap_or_default();
    let dates: Vec<Rect> = lines
        .iter()
        .filter(|l| is_date(l))
        .map(|l| l.bbox)
        .collect();
    for seal in &detections.seals {
        let rect = seal.rect();
        let on_a_face = detections.faces.iter().any(|f| {
            f.bbox
                .padded(
                    f.bbox.width() * rules.face_margin,
                    f.bbox.height() * rules.face_margin,
                )
                .overlaps(&rect)
        });
        let applicants = match owner_by_ring(&seal.ring, &units, &rules) {
            Some(owner) => owner == Owner::Applicant,
            None if school_document
                || over_receipt_title(&rect, lines, page, &rules)
                || is_invoice_seal(&rect, lines, &rules) =>
            {
                false
            }
            None if over_units_receipt(&rect, lines, unit_boxes, &rules) => true,
            None => belongs_to_applicant(&rect, lines, &units, unit_boxes, &rules),
        };
        if on_a_face || !applicants {
            continue;
        }
        regions.push(Region {
            kind: Kind::Unit,
            evidence: Evidence::Seal,
            shape: disc(&seal.outline, &rules),
        });
        // The signer line stamped over by the seal is the unit's name, mostly unreadable to OCR
        // (boxes as tall as a good part of the seal are the seal's own strokes, not a line).
        let signers = lines.iter().filter(|l| {
            crosses(&rect, &l.bbox, &rules)
                && !is_date(l)
                && l.bbox.height() < rules.max_signer_height * rect.height()
        });
        regions.extend(
            signers
                .filter_map(|line| signer_shape(line, &rect, &rules))
                .map(|shape| Region {
                    kind: Kind::Unit,
                    evidence: Evidence::Seal,
                    shape,
                }),
        );
        regions.extend(
            [Side::Left, Side::Right]
                .into_iter()
                .flat_map(|side| ink_running_out(page, &rect, side, &dates, &rules))
                .map(|rect| Region {
                    kind: Kind::Unit,
                    evidence: Evidence::Seal,
                    shape: Shape::rect(&rect),
                }),
        );
    }
    regions
}

/// Whether a seal is printed over a receipt's or an invoice's title: a line near the page's
/// top that holds a title word and meets the seal. A seal's own middle (收费专用章) is not a
/// title: receipts photographed turned, their tops the side of the sheet, bring cashier seals
/// into the page's top band.
fn over_receipt_title(seal: &Rect, lines: &[Line], page: &RgbImage, rules: &SealRules) -> bool {
    let band = rules.title_band * page.height() as f32;
    lines
        .iter()
        .filter(|l| l.bbox.y1 <= band && l.bbox.overlaps(seal))
        .filter(|l| !reads_any(l, SEAL_MIDDLE_WORDS))
        .any(|l| reads_any(l, RECEIPT_TITLE_WORDS))
}

/// Whether a seal is a cashier's seal stamped over the items of a receipt the applicant's unit
/// issued: round or a cashier's oval, with the first payee line below it, across the same
/// columns and within the receipt's height, naming the unit. The receipt's printed authority
/// words round it (its 监制 seal, 财政厅印制) do not make it another body's (failure class "a
/// unit's own business seals on its documents", stamped away from the payee line).
fn over_units_receipt(seal: &Rect, lines: &[Line], unit_boxes: &[Rect], rules: &SealRules) -> bool {
    if seal.width() > rules.max_cashier_stretch * seal.height() {
        return false;
    }
    let [_, cy] = seal.center();
    let reach = cy + rules.payee_reach * seal.height();
    let payee_below = lines
        .iter()
        .filter(|l| l.bbox.x0 < seal.x1 && l.bbox.x1 > seal.x0)
        .filter(|l| l.bbox.center()[1] > cy && l.bbox.y0 <= reach)
        .filter(|l| payee::value_start(l).is_some())
        .min_by(|a, b| a.bbox.y0.total_cmp(&b.bbox.y0));
    payee_below.is_some_and(|l| unit_boxes.iter().any(|u| u.overlaps(&l.bbox)))
}

/// Whether a seal's middle reads 发票专用章: a line whose centre lies in the middle of its box.
fn is_invoice_seal(seal: &Rect, lines: &[Line], rules: &SealRules) -> bool {
    let margin = rules.middle_margin;
    let middle = seal.padded(-margin * seal.width(), -margin * seal.height());
    lines.iter().any(|l| {
        let [x, y] = l.bbox.center();
        middle.contains(x, y) && reads_any(l, INVOICE_SEAL_WORDS)
    })
}

/// Whether a line names an issuing authority: holds one of [`AUTHORITY_WORDS`] other than in
/// the name of a card (a receipt's 社会保障卡号 field names the patient's card, not the body
/// that issued the receipt: failure class "a unit's own business seals on its documents").
fn names_an_authority(line: &Line) -> bool {
    let text: String = line.norm.chars.iter().collect();
    let text = CARD_NAMES.iter().fold(text, |t, card| t.replace(card, ""));
    AUTHORITY_WORDS.iter().any(|w| text.contains(w))
}

/// Cards named on receipts whose names hold an authority's words.
const CARD_NAMES: &[&str] = &["社会保障卡"];

/// Whether a line's (normalized) text holds one of `words`.
fn reads_any(line: &Line, words: &[&str]) -> bool {
    let text: String = line.norm.chars.iter().collect();
    words.iter().any(|w| text.contains(w))
}

/// The signer line crossing a seal, padded for masking; a label before the seal that ends in a
/// colon or in （章） (收款单位（章）：, its colon often lost under the seal) is the form's, not the
/// unit's, and stays visible (nothing, when the label is the whole line). A unit's name holds no
/// figures: on a receipt the seal is stamped over rows of amounts (医疗救助金额：0.00，其他基金：
/// 0.00 …), and only the stretches between figures that reach under the seal are masked.
fn signer_shape(line: &Line, seal: &Rect, rules: &SealRules) -> Option<Shape> {
    let (along, across) = rules.signer_pad;
    let glyphs = &line.line.glyphs;
    let ends_label = |i: usize| match glyphs[i].ch {
        '：' | ':' => true,
        '）' | ')' => i > 0 && glyphs[i - 1].ch == '章',
        _ => false,
    };
    let label_end = (0..glyphs.len())
        .rev()
        .find(|&i| ends_label(i) && Rect::around(&glyphs[i].quad).x1 <= seal.center()[0]);
    let start = label_end.map_or(0, |colon| colon + 1);
    let is_figure = |i: usize| glyphs[i].ch.is_ascii_digit();
    // As in [`crosses`], a piece beside the seal counts as under it.
    let reach = rules.crossing_reach * line.bbox.height();
    let under_seal = |i: usize| {
        let b = Rect::around(&glyphs[i].quad);
        b.x1 >= seal.x0 - reach && b.x0 <= seal.x1 + reach
    };
    // The stretches between figures, each kept when one of its glyphs lies under the seal.
    let mut kept: Option<(usize, usize)> = None;
    let mut i = start;
    while i < glyphs.len() {
        let end = (i..glyphs.len())
            .find(|&j| is_figure(j))
            .unwrap_or(glyphs.len());
        if (i..end).any(under_seal) {
            kept = Some((kept.map_or(i, |(first, _)| first), end));
        }
        i = (end..glyphs.len())
            .find(|&j| !is_figure(j))
            .unwrap_or(glyphs.len());
    }
    let (first, end) = kept?;
    if first == 0 && end == glyphs.len() {
        return Some(line.padded_shape(along, across));
    }
    Some(line.glyphs_shape(first..end, along, across))
}

/// A side of a seal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// The seal's disc as masked: the ellipse of its ring, grown a little.
fn disc(ring: &Ellipse, rules: &SealRules) -> Shape {
    Shape::ellipse(&ring.grown(2.0 * rules.disc_radius))
}

/// The masked disc's radii across and down.
fn disc_radii(seal: &Rect, rules: &SealRules) -> (f32, f32) {
    (
        rules.disc_radius * seal.width(),
        rules.disc_radius * seal.height(),
    )
}

/// The column where row `y` leaves the masked disc on `side`.
fn disc_edge(seal: &Rect, y: f32, side: Side, rules: &SealRules) -> f32 {
    let [cx, cy] = seal.center();
    let (rx, ry) = disc_radii(seal, rules);
    let dy = ((y - cy) / ry).clamp(-1.0, 1.0);
    let half = rx * (1.0 - dy * dy).sqrt();
    match side {
        Side::Left => cx - half,
        Side::Right => cx + half,
    }
}

/// Text that runs out of the seal's middle on one side: the signer line under the seal is often
/// wider than the seal, and OCR rarely finds its ends. Ink touching the seal's disc in its middle
/// rows is followed outward, a text line at a time, until a gap wider than a character's
/// spacing; dates are left alone.
fn ink_running_out(
    page: &RgbImage,
    seal: &Rect,
    side: Side,
    dates: &[Rect],
    rules: &SealRules,
) -> Vec<Rect> {
    let (w, h) = (page.width() as i64, page.height() as i64);
    let is_dark = |x: i64, y: i64| {
        (0..w).contains(&x)
            && (0..h).contains(&y)
            && luminance(page.get_pixel(x as u32, y as u32).0) < WRITING_INK
    };
    let step = match side {
        Side::Left => -1,
        Side::Right => 1,
    };
    // Probe from the disc's edge outward (the disc holds the ring's own line with room to spare).
    let probe = |y: i64| disc_edge(seal, y as f32 + 0.5, side, rules).round() as i64;
    let touches = |y: i64| (0..rules.run_probe).any(|k| is_dark(probe(y) + step * k, y));
    let margin = rules.run_band_margin * seal.height();
    let band = (seal.y0 + margin) as i64..(seal.y1 - margin) as i64;
    let rows: Vec<i64> = band.filter(|&y| touches(y)).collect();
    let mut runs = Vec::new();
    for (top, bottom) in text_lines(&rows, rules.run_row_gap) {
        // A line cut by the band's edge goes on above or below it.
        let top = (0..)
            .map(|k| top - k)
            .take_while(|&y| touches(y))
            .last()
            .unwrap_or(top);
        let bottom = (0..)
            .map(|k| bottom + k)
            .take_while(|&y| touches(y))
            .last()
            .unwrap_or(bottom);
        let text_height = (bottom - top + 1) as f32;
        if text_height < rules.run_height.0 || text_height > rules.run_height.1 * seal.height() {
            continue;
        }
        // The line's rows leave the disc at different columns: the walk starts at the
        // outermost, the run reaches in to the innermost.
        let edges = (top..=bottom).map(probe);
        let (outer, inner) = match side {
            Side::Left => (edges.clone().min(), edges.max()),
            Side::Right => (edges.clone().max(), edges.min()),
        };
        let (Some(outer), Some(inner)) = (outer, inner) else {
            continue;
        };
        let max_gap = (rules.run_max_gap * text_height) as i64;
        let max_reach = (rules.run_max_reach * seal.width()) as i64;
        let (mut x, mut last_ink, mut gap) = (outer, outer, 0);
        while gap <= max_gap && (x - outer).abs() <= max_reach {
            if (top..=bottom).any(|y| is_dark(x, y)) {
                last_ink = x;
                gap = 0;
            } else {
                gap += 1;
            }
            x += step;
        }
        let (x0, x1) = match side {
            Side::Left => (last_ink as f32, inner as f32 + 4.0),
            Side::Right => (inner as f32 - 3.0, last_ink as f32 + 1.0),
        };
        let pad = rules.run_pad * text_height;
        let run = Rect::new(x0, top as f32, x1, bottom as f32 + 1.0).padded(pad, pad);
        if !dates.iter().any(|d| d.overlaps(&run)) {
            runs.push(run);
        }
    }
    runs
}

/// The rows (ascending) grouped into text lines: runs of rows whose steps are at most
/// `max_step` rows.
fn text_lines(rows: &[i64], max_step: i64) -> Vec<(i64, i64)> {
    let mut lines: Vec<(i64, i64)> = Vec::new();
    for &y in rows {
        match lines.last_mut() {
            Some((_, bottom)) if y - *bottom <= max_step => *bottom = y,
            _ => lines.push((y, y)),
        }
    }
    lines
}

/// Who a seal belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Owner {
    Applicant,
    /// Another body: an issuing authority, a school, an organiser, a company.
    Other,
}

/// The owner named by a seal's ring, if its text tells: an issuing authority's words (unless
/// the applicant's unit itself holds them, as in 新疆医科大学第一附属医院), the applicant's
/// unit, matched loosely since ring text reads poorly, or another body read surely.
fn owner_by_ring(ring: &[ReadChar], units: &[&Term], rules: &SealRules) -> Option<Owner> {
    let text: String = ring.iter().map(|c| c.ch).collect();
    let ring_chars = Normalized::new(text.chars()).chars;
    let authority = AUTHORITY_WORDS.iter().any(|word| {
        let word: Vec<char> = word.chars().collect();
        let in_unit = units
            .iter()
            .any(|u| u.chars.windows(word.len()).any(|w| w == word.as_slice()));
        // Ring text reads poorly: a slip in a word of four (票据监牌), two in one of seven.
        let errors = usize::from(word.len() >= 4) + usize::from(word.len() >= 7);
        !in_unit && !find_approx(&ring_chars, &word, errors).is_empty()
    });
    if authority {
        return Some(Owner::Other);
    }
    let applicant = units.iter().any(|u| {
        let errors = u.max_errors.max(u.chars.len() / rules.ring_chars_per_slip);
        !find_approx(&ring_chars, &u.chars, errors).is_empty()
    });
    if applicant {
        return Some(Owner::Applicant);
    }
    names_another_body(ring, units, rules).then_some(Owner::Other)
}

/// Whether a text names a body that is not the applicant's unit: enough of its Chinese read
/// surely, holding a word that ends a body's name and little of the unit (a misread of the
/// unit's own name keeps much of it, and is not read surely), and characters the unit's name
/// does not have (the tail of the unit's own signer line read alone, 育服务中心, names no one
/// else: failure class "the unit in a signer line partly under a seal").
fn names_another_body(text: &[ReadChar], units: &[&Term], rules: &SealRules) -> bool {
    let sure: Vec<char> = text
        .iter()
        .filter(|c| c.confidence >= rules.sure && is_han(c.ch))
        .map(|c| c.ch)
        .collect();
    if sure.len() < rules.min_body_chars {
        return false;
    }
    let foreign = sure
        .iter()
        .filter(|c| !units.iter().any(|u| u.chars.contains(c)))
        .count();
    if foreign < rules.min_foreign_chars {
        return false;
    }
    let sure_text: String = sure.iter().collect();
    let unit_share = |u: &Term| {
        let mut own: Vec<char> = u.chars.clone();
        own.sort_unstable();
        own.dedup();
        own.iter().filter(|c| sure.contains(c)).count() as f32 / own.len().max(1) as f32
    };
    BODY_WORDS.iter().any(|w| sure_text.contains(w))
        && units.iter().all(|u| unit_share(u) < rules.max_unit_share)
}

/// Whether `line` holds a payee label (收款单位（章）) on the seal's row, ending within a seal's
/// width before its middle: the seal is stamped on the payee's line.
fn on_payee_line(seal: &Rect, line: &Line) -> bool {
    let [cx, _] = seal.center();
    if !(seal.y0..=seal.y1).contains(&line.bbox.center()[1]) {
        return false;
    }
    payee::value_start(line).is_some_and(|start| {
        let label_end = line.span_shape(0, start).bbox().x1;
        label_end <= cx && cx - label_end <= seal.width()
    })
}

/// A line's characters as the recognizer read them.
fn read_chars(line: &Line) -> Vec<ReadChar> {
    line.line
        .glyphs
        .iter()
        .map(|g| ReadChar {
            ch: g.ch,
            confidence: g.confidence,
        })
        .collect()
}

/// Whether a text line runs through the seal's middle band, or is a piece of such a line
/// sticking out of the seal (OCR often reads the ends of a stamped-over line on their own).
fn crosses(seal: &Rect, line: &Rect, rules: &SealRules) -> bool {
    let margin = rules.middle_band_margin * seal.height();
    let band = Rect::new(seal.x0, seal.y0 + margin, seal.x1, seal.y1 - margin);
    let reach = rules.crossing_reach * line.height();
    let [_, cy] = line.center();
    let beside = (band.y0..=band.y1).contains(&cy)
        && line.x1 >= seal.x0 - reach
        && line.x0 <= seal.x1 + reach;
    beside || line.intersection(&band).area() > rules.crossing_share * line.area()
}

/// Dates under a seal stay readable: in figures (2024年3月14日), or in Chinese numerals
/// (二〇二四年九月), whose characters a certificate's hatching may turn into Latin letters.
fn is_date(line: &Line) -> bool {
    let chars = &line.norm.chars;
    let digits = chars.iter().filter(|c| c.is_ascii_digit()).count();
    let in_words = chars.contains(&'年')
        && chars.contains(&'月')
        && chars
            .iter()
            .filter(|&&c| is_han(c))
            .all(|c| "〇零一二三四五六七八九十年月日号".contains(*c));
    digits * 2 >= line.norm.len() || in_words
}

/// Whose seal it is, from the text around it: the applicant's unit, or another body named by
/// an issuing authority's words or by the signer line it is stamped over. Text on or right
/// beside the seal decides first, then text further around; without any such text the seal is
/// masked (when in doubt, mask). A seal stamped on a receipt's payee line is the payee's: an
/// authority's words round it (the finance bureau named in the receipt's footnote) do not
/// make it theirs (failure class "a unit's own business seals on its documents").
fn belongs_to_applicant(
    seal: &Rect,
    lines: &[Line],
    units: &[&Term],
    unit_boxes: &[Rect],
    rules: &SealRules,
) -> bool {
    let signed_by_another = lines
        .iter()
        .filter(|l| crosses(seal, &l.bbox, rules))
        .any(|l| names_another_body(&read_chars(l), units, rules));
    let (w, h) = (seal.width(), seal.height());
    let payees = lines.iter().any(|l| on_payee_line(seal, l));
    let (near, (across, down)) = rules.owner_areas;
    for area in [
        seal.padded(near * w, near * h),
        seal.padded(across * w, down * h),
    ] {
        if unit_boxes.iter().any(|u| u.overlaps(&area)) {
            return true;
        }
        if signed_by_another {
            return false;
        }
        if payees {
            continue;
        }
        let authority = lines
            .iter()
            .filter(|l| l.bbox.overlaps(&area))
            .any(names_an_authority);
        if authority {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{line_at, target};
    use super::*;
    use crate::detect::Seal;

    fn paper() -> RgbImage {
        RgbImage::from_pixel(1200, 1600, image::Rgb([250, 250, 250]))
    }

    /// Dark blocks standing in for characters `width` wide every `pitch` pixels, over `xs` and
    /// `ys`; returns their pixels.
    fn characters(
        page: &mut RgbImage,
        xs: std::ops::Range<u32>,
        ys: std::ops::Range<u32>,
        pitch: u32,
        width: u32,
    ) -> Vec<(u32, u32)> {
        let start = xs.start;
        let ink: Vec<(u32, u32)> = xs
            .filter(|x| (x - start) % pitch < width)
            .flat_map(|x| ys.clone().map(move |y| (x, y)))
            .collect();
        for &(x, y) in &ink {
            page.put_pixel(x, y, image::Rgb([20, 20, 20]));
        }
        ink
    }

    /// `text` as read surely.
    fn read_surely(text: &str) -> Vec<ReadChar> {
        text.chars()
            .map(|ch| ReadChar {
                ch,
                confidence: 0.9,
            })
            .collect()
    }

    /// A page's detections holding one seal of radius 150 centred at (600, 800).
    fn seal_with_ring_text(ring_text: &str) -> Detections {
        Detections {
            seals: vec![Seal {
                outline: Ellipse::filling(&Rect::new(450.0, 650.0, 750.0, 950.0)),
                ring: read_surely(ring_text),
            }],
            ..Detections::default()
        }
    }

    /// The owner `ring` names, for an applicant of `unit`.
    fn owner_of(ring: &[ReadChar], unit: &str) -> Option<Owner> {
        let t = target("杨婧怡", unit, &[]);
        let units: Vec<&Term> = t.units().collect();
        owner_by_ring(ring, &units, &SealRules::default())
    }

    /// The owner `ring` (read surely) names, for an applicant of `unit`.
    fn owner_for(ring: &str, unit: &str) -> Option<Owner> {
        owner_of(&read_surely(ring), unit)
    }

    #[test]
    fn authority_seal_stays_visible() {
        let text = line_at("新疆维吾尔自治区人力资源和社会保障厅", 300.0, 700.0, 30.0);
        let lines = vec![Line::new(&text)];
        let seal = seal_with_ring_text("");
        assert!(regions(&paper(), &seal, &lines, None, &[]).is_empty());
        assert_eq!(
            regions(&paper(), &seal, &[], None, &[]).len(),
            1,
            "in doubt, mask"
        );
    }

    #[test]
    fn a_seal_on_a_receipts_payee_line_is_the_payees_despite_an_authoritys_footnote() {
        // The unit's cashier seal, its ring misread, stamped on 收款单位（章） (收款单位 ends at
        // x = 370, the seal spans 450..750); below it the footnote naming the finance bureau.
        let label = line_at("收款单位（章）", 250.0, 790.0, 30.0);
        let footnote = line_at("可登陆福建省财政厅官网查验票据", 300.0, 1000.0, 24.0);
        let seal = seal_with_ring_text("建省牌电医");
        let lines = vec![Line::new(&label), Line::new(&footnote)];
        let found = regions(&paper(), &seal, &lines, None, &[]);
        assert!(
            found.iter().any(|r| r.evidence == Evidence::Seal),
            "{found:?}"
        );
        // Without the payee label, the footnote's authority keeps the seal visible.
        let lines = vec![Line::new(&footnote)];
        assert!(regions(&paper(), &seal, &lines, None, &[]).is_empty());
    }

    #[test]
    fn a_cashier_seal_over_a_units_receipt_items_is_the_units_despite_its_printed_authority() {
        // The unit's cashier seal, its ring unreadable, stamped over the items (450..750 x
        // 650..950); the receipt's 监制 text beside it and its payee line naming the unit below.
        let printed = line_at("广东省财政厅监制", 760.0, 700.0, 30.0);
        let payee = line_at("收费单位（盖章）：东莞市樟木头医院", 300.0, 1300.0, 30.0);
        let unit_box = Rect::new(600.0, 1300.0, 900.0, 1330.0);
        let seal = seal_with_ring_text("pP");
        let lines = vec![Line::new(&printed), Line::new(&payee)];
        let found = regions(&paper(), &seal, &lines, None, &[unit_box]);
        assert!(
            found.iter().any(|r| r.evidence == Evidence::Seal),
            "{found:?}"
        );
        // Another body's receipt (its payee line not the unit's), or the unit's payee line out
        // of the receipt's reach: the printed authority keeps the seal visible.
        assert!(regions(&paper(), &seal, &lines, None, &[]).is_empty());
        let far = line_at("收费单位（盖章）：东莞市樟木头医院", 300.0, 1900.0, 30.0);
        let far_box = Rect::new(600.0, 1900.0, 900.0, 1930.0);
        let lines = vec![Line::new(&printed), Line::new(&far)];
        assert!(regions(&paper(), &seal, &lines, None, &[far_box]).is_empty());
    }

    #[test]
    fn an_invoice_seal_stays_visible_unless_its_ring_names_the_unit() {
        // A company's oval 发票专用章 (its middle read at (600, 830)), its ring misread.
        let middle = line_at("发票专用章", 525.0, 815.0, 30.0);
        let lines = vec![Line::new(&middle)];
        let t = target("杨婧怡", "邵阳市人民医院", &[]);
        let seal = seal_with_ring_text("事运有限公明");
        assert!(regions(&paper(), &seal, &lines, Some(&t), &[]).is_empty());
        // The unit's own invoice seal, its ring read.
        let seal = seal_with_ring_text("邵阳市人民医院发票专用章");
        assert!(!regions(&paper(), &seal, &lines, Some(&t), &[]).is_empty());
    }

    #[test]
    fn the_seal_printed_over_a_receipts_title_stays_visible() {
        // The finance bureau's 监制 seal, its ring unreadable, over the title at the page's top
        // (the seal of `seal_with_ring_text` moved up by 600 pixels).
        let mut seal = seal_with_ring_text("阳业楼");
        seal.seals[0].outline = Ellipse::filling(&Rect::new(450.0, 50.0, 750.0, 350.0));
        let title = line_at("贵州省医疗住院收费票据", 300.0, 180.0, 40.0);
        let lines = vec![Line::new(&title)];
        assert!(regions(&paper(), &seal, &lines, None, &[]).is_empty());
        // Its ring read with a slip names the authority wherever it is.
        assert_eq!(owner_for("a票据监牌", "贵州省人民医院"), Some(Owner::Other));
        // The same seal and title lower on the page: not a title; in doubt, masked.
        let low = line_at("贵州省医疗住院收费票据", 300.0, 780.0, 40.0);
        let lines = vec![Line::new(&low)];
        let seal = seal_with_ring_text("阳业楼");
        assert!(!regions(&paper(), &seal, &lines, None, &[]).is_empty());
        // A cashier seal near the page's top whose own middle reads 收费专用章: in doubt, masked.
        let mut seal = seal_with_ring_text("阳业楼");
        seal.seals[0].outline = Ellipse::filling(&Rect::new(450.0, 50.0, 750.0, 350.0));
        let middle = line_at("收费专用章", 440.0, 240.0, 40.0);
        let lines = vec![Line::new(&middle)];
        assert!(!regions(&paper(), &seal, &lines, None, &[]).is_empty());
    }

    #[test]
    fn authority_text_on_the_seal_outweighs_unit_text_further_away() {
        let signer = line_at("巴音郭楞蒙古自治州卫生健康委员会", 400.0, 790.0, 30.0);
        let lines = vec![Line::new(&signer)];
        let seal = seal_with_ring_text("");
        let unit_line_above = Rect::new(200.0, 540.0, 600.0, 580.0);
        assert!(regions(&paper(), &seal, &lines, None, &[unit_line_above]).is_empty());
        let unit_on_seal = Rect::new(450.0, 780.0, 750.0, 820.0);
        assert!(!regions(&paper(), &seal, &lines, None, &[unit_on_seal]).is_empty());
    }

    #[test]
    fn ring_text_tells_whose_seal_it_is_despite_misreads() {
        let owner = |ring: &str| owner_for(ring, "且末县人民医院");
        assert_eq!(owner("月末县人民医院心"), Some(Owner::Applicant));
        assert_eq!(owner("始新票医科科大学"), Some(Owner::Other));
        assert_eq!(owner("巴郭楞蒙古自治州卫生健康委会"), Some(Owner::Other));
        assert_eq!(owner("若羌县人民医院"), None, "much of the unit's name");
        assert_eq!(owner("口口"), None);
    }

    #[test]
    fn a_worn_ring_with_two_slips_in_a_long_authority_word_is_the_authoritys() {
        assert_eq!(
            owner_for("巴音華罗蒙否政消根生健康.员会CO", "和静县人民医院"),
            Some(Owner::Other)
        );
    }

    #[test]
    fn a_unit_that_is_part_of_a_university_is_not_taken_for_an_authority() {
        assert_eq!(
            owner_for("新疆医科大学第一附属医院", "新疆医科大学第一附属医院"),
            Some(Owner::Applicant)
        );
    }

    #[test]
    fn a_ring_read_surely_naming_another_body_is_that_bodys() {
        let unit = "且末县人民医院";
        // An organiser, a regulator, a company.
        for ring in [
            "中国商业经济学会",
            "北京市工商行政管理局海淀分局",
            "靖江市机器人智能制造有限公司",
            // An invoice's seller, the ring's last characters lost.
            "有杉网路科技有限",
        ] {
            assert_eq!(owner_for(ring, unit), Some(Owner::Other), "{ring}");
        }
        // Read unsurely, it tells nothing: the seal is judged by the text around it.
        let mut unsure = read_surely("中国商业经济学会");
        unsure
            .iter_mut()
            .step_by(2)
            .for_each(|c| c.confidence = 0.3);
        assert_eq!(owner_of(&unsure, unit), None);
    }

    #[test]
    fn a_seal_stamped_over_another_bodys_signer_line_stays_visible() {
        let signer = line_at("中国国际商会商业行业商会", 420.0, 790.0, 30.0);
        let lines = vec![Line::new(&signer)];
        let t = target("杨婧怡", "且末县人民医院", &[]);
        assert!(regions(&paper(), &seal_with_ring_text(""), &lines, Some(&t), &[]).is_empty());
        // The unit's own name under its seal, misread by a character, is still the unit's; so
        // is the tail of a long unit name read alone (its other characters lost under the ring).
        let t = target("杨婧怡", "若羌县妇幼保健计划生育服务中心", &[]);
        for own in ["若羌县妇幼保健计划生育服务中阮", "育服务中心"] {
            let own = line_at(own, 480.0, 790.0, 30.0);
            let lines = vec![Line::new(&own)];
            let found = regions(&paper(), &seal_with_ring_text(""), &lines, Some(&t), &[]);
            assert!(!found.is_empty(), "{}", own.text());
        }
    }

    #[test]
    fn the_applicants_seal_and_the_unit_line_it_stamps_over_are_masked() {
        let t = target("杨婧怡", "且末县人民医院", &[]);
        let signer = line_at("且末县人民医院", 520.0, 790.0, 30.0);
        let piece_beside = line_at("且末", 400.0, 790.0, 30.0);
        let lines = vec![Line::new(&signer), Line::new(&piece_beside)];
        let regions = regions(
            &paper(),
            &seal_with_ring_text("且末县人民医院"),
            &lines,
            Some(&t),
            &[],
        );
        assert_eq!(regions.len(), 3, "{regions:?}");
        assert!(regions.iter().all(|r| r.kind == Kind::Unit));
        assert!(regions.iter().any(|r| r.rect().x0 <= 400.0));
    }

    #[test]
    fn a_forms_label_before_the_seal_stays_visible_when_its_line_is_masked() {
        let t = target("杨婧怡", "且末县人民医院", &[]);
        // 收款单位（章）： from x = 280 to 520, the unit from 520 to 730 under the seal (450..750).
        let line = line_at("收款单位（章）：且末县人民医院", 280.0, 790.0, 30.0);
        let lines = vec![Line::new(&line)];
        let seal = seal_with_ring_text("且末县人民医院门诊收款章");
        let found = regions(&paper(), &seal, &lines, Some(&t), &[]);
        let signer = found
            .iter()
            .filter(|r| r.rect().height() < 100.0)
            .map(Region::rect)
            .reduce(|a, b| a.union(&b))
            .expect("the unit's line is masked");
        assert!(
            signer.x0 >= 505.0 && signer.x0 <= 520.0 && signer.x1 >= 730.0,
            "{signer:?}"
        );
        // Read as a line of its own, with its colon or without, the label is not masked at all.
        for label in ["收款单位（章）：", "收款单位（章)"] {
            let label = line_at(label, 280.0, 790.0, 30.0);
            let found = regions(&paper(), &seal, &[Line::new(&label)], Some(&t), &[]);
            assert!(found.iter().all(|r| r.rect().x0 >= 440.0), "{found:?}");
        }
    }

    #[test]
    fn a_row_of_amounts_under_the_seal_is_masked_only_between_its_figures() {
        let t = target("杨婧怡", "且末县人民医院", &[]);
        // The seal (450..750) stamped over a receipt's row, 20 px a character from x = 100: the
        // stretch ，大额补充保险金额： (x 520..740) lies under it, the rest of the row beside it.
        let row = line_at(
            "医疗救助金额：0.00，其他基金：0.00，大额补充保险金额：0.00，查验网站地址",
            100.0,
            790.0,
            20.0,
        );
        let found = regions(
            &paper(),
            &seal_with_ring_text("且末县人民医院"),
            &[Line::new(&row)],
            Some(&t),
            &[],
        );
        let signer = found
            .iter()
            .filter(|r| r.rect().height() < 100.0)
            .map(Region::rect)
            .reduce(|a, b| a.union(&b))
            .expect("the stretch under the seal is masked");
        assert!(
            signer.x0 >= 400.0 && signer.x1 <= 800.0,
            "the amounts and the rest of the row stay visible: {signer:?}"
        );
    }

    #[test]
    fn signer_text_running_out_of_the_seal_is_masked_up_to_its_end() {
        let mut page = paper();
        // "characters" 30 px high, 30 px wide, 8 px apart, from x = 330 to 600 (inside the seal).
        characters(&mut page, 330..600, 785..815, 38, 30);
        let regions = regions(&page, &seal_with_ring_text(""), &[], None, &[]);
        let run = regions
            .iter()
            .find(|r| r.rect().x0 < 400.0)
            .expect("the text left of the seal is masked");
        assert!(run.rect().x0 <= 330.0 && run.rect().x0 > 310.0, "{run:?}");
        assert!(run.rect().y0 <= 785.0 && run.rect().y1 >= 815.0, "{run:?}");
        assert_eq!(regions.len(), 2, "nothing on the right: {regions:?}");
    }

    #[test]
    fn dates_in_figures_or_in_chinese_numerals_are_dates() {
        let date = |text: &str| is_date(&Line::new(&line_at(text, 0.0, 0.0, 20.0)));
        for text in ["2023年11月11日", "二〇二四年九月", "TO四年L月"] {
            assert!(date(text), "{text}");
        }
        for text in ["且末县人民医院", "湘潭市中心医院二〇二四年九月"] {
            assert!(!date(text), "{text}");
        }
    }

    #[test]
    fn signer_text_beside_the_disc_but_within_its_box_is_masked() {
        let mut page = paper();
        // A date below it, running out of the seal too: it stays visible.
        characters(&mut page, 380..470, 790..808, 20, 14);
        let date = line_at("2023年11月11日", 380.0, 790.0, 18.0);
        let lines = vec![Line::new(&date)];
        // Text above the seal's middle from x = 452, inside the seal's box (450..750) but left
        // of its disc there, running into the seal.
        let ink = characters(&mut page, 452..560, 745..765, 24, 20);
        let regions = regions(&page, &seal_with_ring_text(""), &lines, None, &[]);
        for (x, y) in ink {
            let p = [x as f32 + 0.5, y as f32 + 0.5];
            assert!(
                regions.iter().any(|r| r.shape.contains(p, 0.0)),
                "({x}, {y}) visible: {regions:?}"
            );
        }
        // The disc leaves the corners of the seal's box visible, and the date's start.
        for visible in [[455.0, 655.0], [385.0, 800.0]] {
            assert!(!regions.iter().any(|r| r.shape.contains(visible, 0.0)));
        }
    }

    #[test]
    fn an_unreadable_seal_on_a_diploma_is_the_schools() {
        let t = target("杨婧怡", "且末县人民医院", &[]);
        let title = line_at("毕业证书", 400.0, 100.0, 60.0);
        let lines = vec![Line::new(&title)];
        let seal = seal_with_ring_text("燕疆第二医院");
        assert!(regions(&paper(), &seal, &lines, Some(&t), &[]).is_empty());
        let own = seal_with_ring_text("且末县人民医院");
        assert!(!regions(&paper(), &own, &lines, Some(&t), &[]).is_empty());
    }
}
