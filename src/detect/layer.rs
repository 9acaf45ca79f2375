//! Reading a vector PDF page from its text layer: the layer's characters become text lines with
//! exact boxes, and the models run only on the parts of the page the layer does not describe
//! (pictures, turned characters, lines whose ink is not where the layer puts it, and lines whose
//! text OCR does not confirm), or on the whole page when the layer cannot be trusted (characters
//! no font maps to text, or too much of the page left to the models).
//!
//! Every line's text is confirmed by the recognizer before it stands: a character map that
//! gives other characters for only a few glyphs (the applicant's name) passes any sample of
//! lines, so none is sampled.

use image::RgbImage;

use super::types::{Glyph, TextLine};
use crate::base::pixels::{luminance, INK_CONTRAST};
use crate::base::text::common_in_order;
use crate::geometry::Rect;
use crate::pages::text_layer::{LayerChar, TextLayer};

/// A character joins the line before it when it starts at most this many line heights after
/// the previous character ends (wider gaps separate table cells, as OCR separates them).
const JOIN_GAP: f32 = 1.2;
/// ... and its centre is at most this many line heights above or below the line's.
const JOIN_DRIFT: f32 = 0.5;
/// Pictures narrower or lower than this (pixels) hold nothing readable (bullets, dots).
const MIN_PICTURE_SIDE: f32 = 6.0;
/// Pictures are read with this much of the page around them (pixels).
const PICTURE_MARGIN: f32 = 16.0;
/// A line is drawn where the layer says when at least this fraction of its box is ink.
const MIN_INK: f32 = 0.02;
/// When the parts left to the models cover more than this fraction of the page, the models
/// read the whole page instead.
const MAX_AREA_SHARE: f32 = 0.5;

/// How a page with a text layer is to be read.
#[derive(Debug, Clone, PartialEq)]
pub enum Reading {
    /// The layer cannot be trusted: the models read the whole page.
    Whole,
    /// The layer's lines stand once OCR confirms them; the models read only the listed areas.
    Layered(Layered),
}

/// A page read from its text layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Layered {
    /// The layer's lines, each character with its exact box, confidence 1.
    pub lines: Vec<TextLine>,
    /// Areas of the page (pixels) the models must read: pictures and the lines touching them,
    /// lines without ink where the layer puts them (and, after [`confirm`], lines whose text OCR
    /// does not read).
    pub areas: Vec<Rect>,
}

/// Decides how to read `page` given its text layer.
pub fn plan(page: &RgbImage, layer: &TextLayer) -> Reading {
    let visible: Vec<&LayerChar> = layer.chars.iter().filter(|c| c.visible).collect();
    if visible.iter().any(|c| is_garbage(c.ch)) {
        return Reading::Whole;
    }
    let (upright, turned): (Vec<&LayerChar>, Vec<&LayerChar>) =
        visible.into_iter().partition(|c| c.upright);
    let page_rect = Rect::new(0.0, 0.0, page.width() as f32, page.height() as f32);
    // Turned characters (a seal's ring text, a stamp) are read by the models, like pictures.
    let areas: Vec<Rect> = layer
        .pictures
        .iter()
        .chain(turned.iter().map(|c| &c.rect))
        .map(|p| p.intersection(&page_rect))
        .filter(|p| p.width() >= MIN_PICTURE_SIDE && p.height() >= MIN_PICTURE_SIDE)
        .map(|p| p.padded(PICTURE_MARGIN, PICTURE_MARGIN))
        .collect();
    let lines = group_lines(&upright);
    let ink: Vec<bool> = lines.iter().map(|l| has_ink(page, &l.bbox())).collect();
    settle(lines, &ink, areas, page_rect)
}

/// The reading of `layered` once OCR has read each of its lines (`read`, one string per line):
/// a line whose letters and ideographs the recognizer does not all read, in order, goes to the
/// models with whatever touches it.
pub fn confirm(layered: Layered, read: &[String], page: (u32, u32)) -> Reading {
    let confirmed: Vec<bool> = layered
        .lines
        .iter()
        .zip(read)
        .map(|(line, text)| is_confirmed(line, text))
        .collect();
    let page_rect = Rect::new(0.0, 0.0, page.0 as f32, page.1 as f32);
    settle(layered.lines, &confirmed, layered.areas, page_rect)
}

/// Whether OCR's reading `text` of `line` holds every letter and ideograph of the layer's text
/// in order (punctuation may be misread).
fn is_confirmed(line: &TextLine, text: &str) -> bool {
    let letters = |text: &str| -> Vec<char> {
        comparable(text)
            .into_iter()
            .filter(|c| c.is_alphanumeric())
            .collect()
    };
    let expected = letters(&line.text());
    common_chars(&expected, &letters(text)) == expected.len()
}

/// The reading of `lines`, of which those not `kept` go to the models with `areas`: every line
/// touching an area joins it (no line is read in halves), and when the areas cover more than
/// [`MAX_AREA_SHARE`] of the page the models read it whole.
fn settle(lines: Vec<TextLine>, kept: &[bool], mut areas: Vec<Rect>, page_rect: Rect) -> Reading {
    let mut keep = kept.to_vec();
    for (line, kept) in lines.iter().zip(&keep) {
        if !kept {
            areas.push(line.bbox());
        }
    }
    loop {
        areas = merged(areas);
        let mut grown = false;
        for (line, kept) in lines.iter().zip(keep.iter_mut()) {
            let bbox = line.bbox();
            if let Some(area) = areas.iter_mut().find(|a| *kept && a.overlaps(&bbox)) {
                *area = area.union(&bbox);
                *kept = false;
                grown = true;
            }
        }
        if !grown {
            break;
        }
    }
    let areas: Vec<Rect> = areas.iter().map(|a| a.intersection(&page_rect)).collect();
    if areas.iter().map(Rect::area).sum::<f32>() > MAX_AREA_SHARE * page_rect.area() {
        return Reading::Whole;
    }
    let lines = lines
        .into_iter()
        .zip(keep)
        .filter_map(|(line, kept)| kept.then_some(line))
        .collect();
    Reading::Layered(Layered { lines, areas })
}

/// Whether a character can only come from a broken character map: control characters, the
/// replacement character, private-use code points.
fn is_garbage(ch: char) -> bool {
    ch.is_control()
        || ch == char::REPLACEMENT_CHARACTER
        || matches!(ch as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
}

/// Groups characters in content order into lines, as OCR would find them: a character starts a
/// new line when it is not on the same baseline, goes back, or follows a wide gap.
pub fn group_lines(chars: &[&LayerChar]) -> Vec<TextLine> {
    let mut groups: Vec<Vec<&LayerChar>> = Vec::new();
    for &c in chars {
        let joins = groups
            .last()
            .and_then(|g| g.last().map(|last| (g, last)))
            .is_some_and(|(group, last)| {
                let h = group_box(group).height().max(1.0);
                let drift = (c.rect.center()[1] - group_box(group).center()[1]).abs();
                c.rect.x0 >= last.rect.center()[0]
                    && c.rect.x0 - last.rect.x1 <= JOIN_GAP * h
                    && drift <= JOIN_DRIFT * h
            });
        if joins {
            groups.last_mut().expect("a group to join").push(c);
        } else {
            groups.push(vec![c]);
        }
    }
    groups
        .iter()
        .map(|group| {
            // Across the line: the ink with a margin, as OCR boxes it; along: the advances.
            let ink = group
                .iter()
                .map(|c| c.ink)
                .reduce(|a, b| a.union(&b))
                .unwrap_or(group_box(group));
            let margin = super::ocr::INK_MARGIN * ink.height();
            let around = group_box(group);
            let bbox = Rect::new(around.x0, ink.y0 - margin, around.x1, ink.y1 + margin);
            let glyphs = group
                .iter()
                .map(|c| Glyph {
                    ch: c.ch,
                    quad: Rect::new(c.rect.x0, bbox.y0, c.rect.x1, bbox.y1).quad(),
                    confidence: 1.0,
                    alternatives: Vec::new(),
                })
                .collect();
            TextLine {
                quad: bbox.quad(),
                glyphs,
                confidence: 1.0,
            }
        })
        .collect()
}

fn group_box(group: &[&LayerChar]) -> Rect {
    group
        .iter()
        .map(|c| c.rect)
        .reduce(|a, b| a.union(&b))
        .unwrap_or(Rect::new(0.0, 0.0, 0.0, 0.0))
}

/// Whether the page shows ink inside `rect` (the layer's text is drawn, not hidden or blank).
fn has_ink(page: &RgbImage, rect: &Rect) -> bool {
    let [x0, y0, x1, y1] = rect.to_pixels(page.width(), page.height());
    let pixels: Vec<u8> = (y0..y1)
        .flat_map(|y| (x0..x1).map(move |x| (x, y)))
        .map(|(x, y)| luminance(page.get_pixel(x, y).0))
        .collect();
    let Some(&brightest) = pixels.iter().max() else {
        return false;
    };
    let ink = pixels
        .iter()
        .filter(|&&v| brightest.saturating_sub(v) >= INK_CONTRAST)
        .count();
    ink as f32 >= MIN_INK * pixels.len() as f32
}

/// Rectangles merged until none overlaps another.
fn merged(mut rects: Vec<Rect>) -> Vec<Rect> {
    let mut out: Vec<Rect> = Vec::new();
    while let Some(mut r) = rects.pop() {
        while let Some(i) = out.iter().position(|o| o.overlaps(&r)) {
            r = r.union(&out.swap_remove(i));
        }
        out.push(r);
    }
    out
}

fn comparable(text: &str) -> Vec<char> {
    use unicode_normalization::UnicodeNormalization;
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Length of the longest common subsequence of `a` and `b` (compatibility forms folded).
fn common_chars(a: &[char], b: &[char]) -> usize {
    use unicode_normalization::UnicodeNormalization;
    let a: Vec<char> = a.iter().collect::<String>().nfkc().collect();
    common_in_order(&a, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A character `size` pixels high at `x`, `y` (top-left).
    fn char_at(ch: char, x: f32, y: f32, size: f32) -> LayerChar {
        let rect = Rect::new(x, y, x + size, y + size);
        LayerChar {
            ch,
            rect,
            ink: rect.padded(-0.1 * size, -0.1 * size),
            visible: true,
            upright: true,
        }
    }

    fn text_at(text: &str, x: f32, y: f32) -> Vec<LayerChar> {
        text.chars()
            .enumerate()
            .map(|(i, ch)| char_at(ch, x + 30.0 * i as f32, y, 30.0))
            .collect()
    }

    /// A white page with black ink wherever `chars` say.
    fn page_showing(chars: &[LayerChar]) -> RgbImage {
        let mut page = RgbImage::from_pixel(800, 600, image::Rgb([255, 255, 255]));
        for c in chars {
            let [x0, y0, x1, y1] = c.ink.to_pixels(800, 600);
            for y in y0..y1 {
                for x in (x0..x1).step_by(3) {
                    page.put_pixel(x, y, image::Rgb([0, 0, 0]));
                }
            }
        }
        page
    }

    fn layered(reading: Reading) -> Layered {
        match reading {
            Reading::Layered(layered) => layered,
            Reading::Whole => panic!("the layer was not trusted"),
        }
    }

    fn texts(lines: &[TextLine]) -> Vec<String> {
        lines.iter().map(TextLine::text).collect()
    }

    #[test]
    fn characters_make_lines_split_at_wide_gaps_and_new_baselines() {
        let mut chars = text_at("姓名", 100.0, 100.0);
        chars.extend(text_at("王玥", 300.0, 100.0));
        chars.extend(text_at("工作单位", 100.0, 200.0));
        let refs: Vec<&LayerChar> = chars.iter().collect();
        let lines = group_lines(&refs);
        assert_eq!(texts(&lines), ["姓名", "王玥", "工作单位"]);
        // Across the line the box is the ink and a margin; along it, the advances.
        let bbox = lines[0].bbox();
        assert_eq!((bbox.x0, bbox.x1), (100.0, 160.0));
        assert!((bbox.y0 - (103.0 - 24.0 * 0.12)).abs() < 1e-3, "{bbox:?}");
        assert_eq!(lines[0].glyphs[1].confidence, 1.0);
    }

    #[test]
    fn a_clean_layer_leaves_only_pictures_to_the_models() {
        let mut chars = text_at("姓名王玥", 100.0, 100.0);
        chars.extend(text_at("承诺人", 100.0, 300.0));
        let page = page_showing(&chars);
        let layer = TextLayer {
            chars,
            pictures: vec![Rect::new(500.0, 300.0, 600.0, 340.0)],
        };
        let plan = layered(plan(&page, &layer));
        assert_eq!(texts(&plan.lines), ["姓名王玥", "承诺人"]);
        assert_eq!(plan.areas, [Rect::new(484.0, 284.0, 616.0, 356.0)]);
    }

    #[test]
    fn lines_under_or_beside_a_picture_are_read_with_it() {
        let chars = text_at("巴州人民医院", 100.0, 100.0);
        let page = page_showing(&chars);
        let seal = Rect::new(150.0, 50.0, 250.0, 150.0);
        let layer = TextLayer {
            chars,
            pictures: vec![seal],
        };
        let plan = layered(plan(&page, &layer));
        assert!(plan.lines.is_empty());
        let area = plan.areas[0];
        assert!(area.x0 <= 100.0 && area.x1 >= 280.0, "{area:?}");
    }

    #[test]
    fn invisible_text_is_dropped_and_text_without_ink_goes_to_the_models() {
        let mut ghost = text_at("王玥", 100.0, 100.0);
        ghost.iter_mut().for_each(|c| c.visible = false);
        let blank = text_at("巴州人民医院", 100.0, 300.0);
        let page = RgbImage::from_pixel(800, 600, image::Rgb([255, 255, 255]));
        let layer = TextLayer {
            chars: ghost.into_iter().chain(blank).collect(),
            pictures: Vec::new(),
        };
        let plan = layered(plan(&page, &layer));
        assert!(plan.lines.is_empty());
        assert_eq!(plan.areas.len(), 1);
        assert!(plan.areas[0].y0 > 290.0);
    }

    #[test]
    fn broken_character_maps_and_crowded_pages_are_read_whole() {
        let chars = text_at("\u{1}\u{2}\u{3}", 100.0, 100.0);
        let page = page_showing(&chars);
        let layer = TextLayer {
            chars,
            pictures: Vec::new(),
        };
        assert_eq!(plan(&page, &layer), Reading::Whole);
        let scan = TextLayer {
            chars: Vec::new(),
            pictures: vec![Rect::new(0.0, 0.0, 800.0, 600.0)],
        };
        assert_eq!(plan(&page, &scan), Reading::Whole);
    }

    #[test]
    fn turned_characters_are_read_by_the_models() {
        let mut chars = text_at("公章", 100.0, 100.0);
        chars.iter_mut().for_each(|c| c.upright = false);
        let page = page_showing(&chars);
        let layer = TextLayer {
            chars,
            pictures: Vec::new(),
        };
        let plan = layered(plan(&page, &layer));
        assert!(plan.lines.is_empty());
        assert_eq!(plan.areas.len(), 1);
    }

    /// Issue 30 item 6: a character map that lies about the name's glyphs alone. The long
    /// lines are honest; only the lines OCR reads differently go to the models.
    #[test]
    fn lines_ocr_does_not_confirm_go_to_the_models() {
        let mut chars = text_at("该同志工作认真负责，业务能力强", 100.0, 100.0);
        chars.extend(text_at("兹推荐李明同志", 100.0, 300.0));
        chars.extend(text_at("（盖章）", 100.0, 500.0));
        let page = page_showing(&chars);
        let layer = TextLayer {
            chars,
            pictures: Vec::new(),
        };
        let plan = layered(plan(&page, &layer));
        let read = [
            "该同志工作认真负责,业务能力强".to_string(),
            "兹推荐王玥同志".to_string(),
            "(盖童)".to_string(),
        ];
        let confirmed = layered(confirm(plan.clone(), &read, (800, 600)));
        assert_eq!(texts(&confirmed.lines), ["该同志工作认真负责，业务能力强"]);
        assert_eq!(confirmed.areas.len(), 2, "{:?}", confirmed.areas);
        assert!(confirmed
            .areas
            .iter()
            .any(|a| a.y0 <= 303.0 && a.y1 >= 327.0));
        // A character map that lies about every glyph leaves every line to the models.
        let garbled = ["懤巜爷釟".to_string(), "懤巜".to_string(), "".to_string()];
        let read_by_models = layered(confirm(plan, &garbled, (800, 600)));
        assert!(read_by_models.lines.is_empty());
        assert_eq!(read_by_models.areas.len(), 3);
    }

    #[test]
    fn common_characters_fold_compatibility_forms() {
        assert_eq!(common_chars(&['Ａ', 'B', 'C'], &comparable("A B x C")), 3);
        assert_eq!(common_chars(&['王', '玥'], &comparable("")), 0);
    }
}
