//! The audit report: one self-contained HTML file (styles, script and thumbnails inline, no
//! network, no other files) with the checks' findings, filters by verdict and one section per
//! applicant code. It shows masked outputs only, never an original.

use std::collections::BTreeMap;
use std::fmt::Write;

use base64::Engine;

use super::{AuditResult, AuditedPage};
use crate::base::Lang;
use crate::write::manifest::Status;

const STYLE: &str = "
body { font-family: sans-serif; margin: 1.5em; color: #222; }
.verdict { font-size: 1.2em; padding: .5em 1em; border-radius: 4px; }
.pass { background: #e3f4e6; } .fail { background: #fbe3e3; }
.filters label { margin-right: 1.2em; }
.pages { display: flex; flex-wrap: wrap; gap: 12px; }
figure.page { margin: 0; width: 240px; border: 2px solid #ccc; padding: 6px; background: #fafafa; }
figure.page img { width: 100%; display: block; background: #fff; }
figure.review { border-color: #e0a000; } figure.error, figure.problem { border-color: #c00; }
figcaption { font-size: 12px; margin-top: 4px; word-break: break-all; }
.problems { color: #c00; }
.hidden { display: none; }
";

const SCRIPT: &str = "
for (const box of document.querySelectorAll('.filters input')) {
  box.addEventListener('change', () => {
    const shown = new Set([...document.querySelectorAll('.filters input:checked')].map(b => b.value));
    for (const page of document.querySelectorAll('figure.page')) {
      const keep = page.dataset.kinds.split(' ').some(k => shown.has(k));
      page.classList.toggle('hidden', !keep);
    }
  });
}
";

/// The filters: (value, label); a page carries one or more of these values.
const FILTERS: [(&str, &str); 4] = [
    ("masked", "masked 已遮盖"),
    ("not-masked", "not masked 无需遮盖"),
    ("review", "review 需复核"),
    ("error", "error 错误"),
];

impl AuditResult {
    /// The report as one HTML document, its findings and corrections in `lang`.
    pub fn html(&self, lang: Lang) -> String {
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"zh\">\n<head>\n<meta charset=\"utf-8\">\n\
             <title>blindfold audit</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
             <h1>blindfold audit 审核报告</h1>\n"
        );
        let (class, verdict) = if self.problems.is_empty() {
            ("pass", "every check passed 全部通过".to_string())
        } else {
            (
                "fail",
                format!("{} problems found 发现问题", self.problems.len()),
            )
        };
        let pages = self.pages.iter().filter(|p| p.line.page.is_some()).count();
        let _ = writeln!(
            html,
            "<p class=\"verdict {class}\" id=\"verdict\">{verdict} — {pages} pages 页</p>"
        );
        html.push_str("<section id=\"findings\">\n<h2>Findings 问题</h2>\n<ul>\n");
        for problem in &self.problems {
            let _ = writeln!(html, "<li>{}</li>", escape(&problem.public(lang)));
        }
        if self.problems.is_empty() {
            html.push_str("<li>none 无</li>\n");
        }
        html.push_str("</ul>\n</section>\n");
        if !self.corrections.is_empty() {
            html.push_str("<section id=\"corrections\">\n<h2>Corrections 人工修改</h2>\n<ul>\n");
            for correction in &self.corrections {
                let _ = writeln!(html, "<li>{}</li>", escape(&correction.text(lang)));
            }
            html.push_str("</ul>\n</section>\n");
        }
        html.push_str("<p class=\"filters\">\n");
        for (value, label) in FILTERS {
            let count = self
                .pages
                .iter()
                .filter(|p| filter_values(p).contains(&value))
                .count();
            let _ = writeln!(
                html,
                "<label><input type=\"checkbox\" value=\"{value}\" checked> {label} ({count})</label>"
            );
        }
        html.push_str("</p>\n");

        let mut by_applicant: BTreeMap<&str, Vec<(usize, &AuditedPage)>> = BTreeMap::new();
        for (index, page) in self.pages.iter().enumerate() {
            let code = page.line.applicant.as_deref().unwrap_or("-");
            by_applicant.entry(code).or_default().push((index, page));
        }
        for (code, pages) in by_applicant {
            let code = escape(code);
            let _ = writeln!(
                html,
                "<section class=\"applicant\" id=\"applicant-{code}\">\n<h2>{code}</h2>\n<div class=\"pages\">"
            );
            for (index, page) in pages {
                entry(&mut html, index, page, lang);
            }
            html.push_str("</div>\n</section>\n");
        }
        let _ = write!(html, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
        html
    }
}

/// The filter values a page answers to.
fn filter_values(page: &AuditedPage) -> Vec<&'static str> {
    let line = &page.line;
    let mut values = vec![line.status.as_str()];
    if line.status != Status::Error {
        values.push(if line.masking_required {
            "masked"
        } else {
            "not-masked"
        });
    }
    values
}

/// One page (or failed file) of the report.
fn entry(html: &mut String, index: usize, page: &AuditedPage, lang: Lang) {
    let line = &page.line;
    let values = filter_values(page);
    let mut classes = format!("page {}", values.join(" "));
    if !page.problems.is_empty() {
        classes.push_str(" problem");
    }
    let _ = writeln!(
        html,
        "<figure class=\"{classes}\" id=\"page-{index}\" data-kinds=\"{}\">",
        values.join(" ")
    );
    if let Some(jpeg) = &page.thumbnail {
        let data = base64::engine::general_purpose::STANDARD.encode(jpeg);
        let _ = writeln!(
            html,
            "<img alt=\"{}\" src=\"data:image/jpeg;base64,{data}\">",
            escape(&page_label(line))
        );
    }
    let _ = write!(html, "<figcaption><b>{}</b><br>", escape(&page_label(line)));
    let verdict = if line.masking_required { "是" } else { "否" };
    let found: Vec<String> = line
        .region_counts()
        .iter()
        .map(|(k, n)| format!("{} ×{n}", k.as_str()))
        .collect();
    let _ = write!(html, "是否需要遮盖：{verdict} · {}", line.status.as_str());
    if !found.is_empty() {
        let _ = write!(html, " · {}", escape(&found.join(", ")));
    }
    let changes = page.corrections.iter().map(|c| c.text(lang));
    for note in line
        .review
        .iter()
        .chain(&line.error)
        .cloned()
        .chain(changes)
    {
        let _ = write!(html, "<br>{}", escape(&note));
    }
    if !page.problems.is_empty() {
        let problems: Vec<String> = page.problems.iter().map(|p| p.text(lang)).collect();
        let _ = write!(
            html,
            "<br><span class=\"problems\">{}</span>",
            escape(&problems.join("; "))
        );
    }
    html.push_str("</figcaption>\n</figure>\n");
}

/// The caption's name for a page: its output and page number, never the original file name.
fn page_label(line: &crate::write::manifest::ManifestLine) -> String {
    match (&line.output, line.page) {
        (Some(output), Some(page)) => format!("{output} p{page}"),
        _ => "file not processed".to_string(),
    }
}

/// Text made safe for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::{Change, Correction, Finding, Place, Problem};
    use crate::base::{Evidence, Kind};
    use crate::write::manifest::ManifestLine;

    fn page(number: usize, masked: bool, problems: Vec<Finding>) -> AuditedPage {
        let mut line = ManifestLine::file_error(
            "a/b.pdf",
            Some("A001"),
            None,
            &crate::error::PageError::Empty,
        );
        line.page = Some(number);
        line.output = Some("files/A001/001.pdf".into());
        line.status = Status::Ok;
        line.error = None;
        line.masking_required = masked;
        AuditedPage {
            line,
            thumbnail: Some(vec![0xFF, 0xD8, 0xFF]),
            problems,
            corrections: Vec::new(),
        }
    }

    #[test]
    fn one_entry_per_page_with_inline_images_only() {
        let unreadable = Finding::OutputUnreadable("x <y>".into());
        let place = |page| Place::Page {
            output: "files/A001/001.pdf".into(),
            page,
        };
        let result = AuditResult {
            pages: vec![
                page(1, true, vec![]),
                page(2, false, vec![unreadable.clone()]),
            ],
            problems: vec![Problem {
                place: place(2),
                source: Some("a/b.pdf".into()),
                finding: unreadable,
            }],
            corrections: vec![Correction {
                place: place(1),
                change: Change::Removed {
                    kind: Kind::Name,
                    bbox: [1, 2, 3, 4],
                    evidence: Evidence::Roster,
                    by: "staff".into(),
                    at: "2026-12-01T10:00:00Z".into(),
                    reason: "heading".into(),
                    found_again: false,
                },
            }],
        };
        let html = result.html(Lang::En);
        assert!(html.contains("<section id=\"corrections\">"));
        assert!(html.contains("removed by staff at 2026-12-01 10:00:00: heading"));
        assert_eq!(html.matches("<figure class=\"page").count(), 2);
        assert!(html.contains("class=\"page ok masked\""));
        assert!(html.contains("class=\"page ok not-masked problem\""));
        assert!(html.contains("x &lt;y&gt;"));
        assert!(html.contains("<section class=\"applicant\" id=\"applicant-A001\">"));
        assert_eq!(html.matches("src=\"data:image/jpeg;base64,").count(), 2);
        assert!(!html.contains("src=\"http") && !html.contains("href=\"http"));
        assert!(!html.contains("a/b.pdf"), "no original file names");
    }
}
