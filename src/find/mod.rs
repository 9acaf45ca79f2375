//! Finding what to mask: the applicant's name and unit in the OCR text (roster matches and label
//! hints), handwritten signatures, unit seals and the eyes of every face.
//!
//! [`on_page`] is the entry; it merges what its parts find: `roster` (the applicant's terms in
//! the lines, within a line and across a break), `labels` (values beside 姓名, 工作单位 …,
//! addressees, ink in blanks), `scripts` (the same name or unit in a script the recogniser cannot
//! read), `seals` (the unit's seals and their signer lines), `faces` (eye bars) and `id_numbers`.
//! `lines` prepares OCR lines for matching, `terms` the applicant's terms.

mod faces;
mod id_numbers;
mod labels;
mod lines;
mod payee;
mod roster;
mod scripts;
mod seals;
mod terms;
#[cfg(test)]
mod test_support;

use image::RgbImage;

pub use scripts::ScriptRules;
pub use seals::SealRules;
pub use terms::Target;

use crate::base::{Kind, Region};
use crate::detect::Detections;
use crate::geometry::{Point, Rect, Shape, Turn};
use lines::Line;

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

/// Finds everything to mask on one page. Without a target (a folder missing from the roster)
/// only label hints, seals and faces are used and the page is flagged for review.
pub fn on_page(
    page: &RgbImage,
    detections: &Detections,
    target: Option<&Target>,
    options: &FindOptions,
) -> Findings {
    find(page, detections, target, options, &[])
}

/// Finds what is left to mask on a page whose `masks` are painted already (the audit's
/// re-scan): the masks count as found, so a label whose value one covers asks for nothing
/// more, as it asked for nothing more on the page before it was masked. The masks are not
/// among the regions returned.
pub fn on_masked_page(
    page: &RgbImage,
    detections: &Detections,
    target: Option<&Target>,
    masks: &[Region],
) -> Findings {
    find(page, detections, target, &FindOptions::default(), masks)
}

/// [`on_page`] with regions found before it starts (`known`), left out of the result. A page
/// read turned upright is searched upright (labels, rows and ink have their reading
/// directions), and what is found is mapped back onto the page as it is.
fn find(
    page: &RgbImage,
    detections: &Detections,
    target: Option<&Target>,
    options: &FindOptions,
    known: &[Region],
) -> Findings {
    let turn = detections.turn;
    if turn == Turn::None {
        return find_upright(page, detections, target, options, known);
    }
    let (w, h) = (page.width() as f32, page.height() as f32);
    let turned = |regions: &[Region], to: &dyn Fn(Point) -> Point| -> Vec<Region> {
        regions
            .iter()
            .map(|r| Region {
                shape: r.shape.mapped(to),
                ..r.clone()
            })
            .collect()
    };
    let known = turned(known, &|p| turn.forward(p, w, h));
    let mut findings = find_upright(&turn.upright(page), detections, target, options, &known);
    findings.regions = turned(&findings.regions, &|p| turn.back(p, w, h));
    findings
}

/// [`find`] on a page as it was read.
fn find_upright(
    page: &RgbImage,
    detections: &Detections,
    target: Option<&Target>,
    options: &FindOptions,
    known: &[Region],
) -> Findings {
    let mut findings = Findings {
        regions: known.to_vec(),
        review: Vec::new(),
    };
    let lines: Vec<Line> = detections.lines.iter().map(Line::new).collect();
    match target {
        Some(target) => {
            findings
                .regions
                .extend(roster::matches(&lines, target, options));
            findings.regions.extend(payee::matches(&lines, target));
            findings.review.extend(target.review.clone());
        }
        None => findings
            .review
            .push(crate::base::lang::NOT_IN_ROSTER.into()),
    }
    labels::values(page, &lines, &mut findings);
    let spelled_beside = scripts::beside(&lines, &findings.regions);
    findings.regions.extend(spelled_beside);
    let text_unit_boxes: Vec<Rect> = findings
        .regions
        .iter()
        .filter(|r| r.kind == Kind::Unit)
        .map(Region::rect)
        .collect();
    findings.regions.extend(seals::regions(
        page,
        detections,
        &lines,
        target,
        &text_unit_boxes,
    ));
    let text_direction = lines::text_direction(&lines);
    for face in &detections.faces {
        findings
            .regions
            .push(faces::region(face, options.cover_face, text_direction));
    }
    if options.id_numbers {
        findings.regions.extend(id_numbers::regions(&lines));
    }
    findings.regions.drain(..known.len());
    findings.regions = merge_overlapping(findings.regions);
    findings
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
mod tests {
    use super::test_support::{line_at, target};
    use super::*;
    use crate::base::Evidence;
    use crate::geometry::Ellipse;

    #[test]
    fn undecided_folder_pages_are_reviewed_with_the_reason() {
        let t = Target {
            review: Some("fits roster rows 2, 3 alike".into()),
            ..target("王芳", "库尔勒市人民医院", &[])
        };
        let page = RgbImage::from_pixel(200, 200, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines: vec![line_at("王芳", 0.0, 0.0, 30.0)],
            ..Detections::default()
        };
        let findings = on_page(&page, &detections, Some(&t), &FindOptions::default());
        assert_eq!(findings.review, ["fits roster rows 2, 3 alike"]);
        assert_eq!(findings.regions.len(), 1);
    }

    /// What is found on a page read turned upright lies where it is on the page as it is.
    #[test]
    fn findings_on_a_page_read_turned_map_back_onto_it() {
        let t = target("王芳", "库尔勒市人民医院", &[]);
        // 300 wide as it is: 200 wide upright, after a quarter turn back.
        let page = RgbImage::from_pixel(300, 200, image::Rgb([255, 255, 255]));
        let detections = Detections {
            lines: vec![line_at("王芳", 0.0, 0.0, 30.0)],
            turn: Turn::Quarter,
            ..Detections::default()
        };
        let findings = on_page(&page, &detections, Some(&t), &FindOptions::default());
        // The name's box, upright [0, 0, ~60, 30], padded, is x 270..300 and y 0..~60 as it is.
        let found = findings.regions[0].rect();
        let [cx, cy] = found.center();
        assert!(
            (cx - 285.0).abs() < 3.0 && found.height() > found.width(),
            "{found:?}"
        );
        assert!(cy > 10.0 && cy < 50.0, "{found:?}");
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
            shape: Shape::ellipse(&Ellipse::filling(&Rect::new(40.0, 40.0, 160.0, 160.0))),
            ..r(0.0, Kind::Unit)
        };
        let line = Region {
            shape: Shape::rect(&Rect::new(20.0, 90.0, 260.0, 110.0)),
            ..r(0.0, Kind::Unit)
        };
        assert_eq!(merge_overlapping(vec![disc, line]).len(), 2);
    }
}
