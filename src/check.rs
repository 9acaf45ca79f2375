//! The applicant's check: a per-page report of what would be masked, in Chinese or English.

use std::fmt::Write;
use std::path::Path;

use crate::write::manifest::{ManifestLine, Status};
use crate::write::preview::preview_path;

/// The language of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文
    Zh,
    /// English
    En,
}

impl Lang {
    /// `zh` or `en` when given, else Chinese when the locale (LC_ALL, LC_MESSAGES, LANG) is.
    pub fn choose(arg: Option<&str>) -> Lang {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|var| std::env::var(var).ok())
            .find(|value| !value.is_empty());
        match arg.or(locale.as_deref()) {
            Some(value) if value.to_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    fn kind(self, kind: &str) -> &str {
        match (self, kind) {
            (Lang::Zh, "name") => "姓名",
            (Lang::Zh, "unit") => "工作单位",
            (Lang::Zh, "eyes") => "眼睛",
            (Lang::Zh, "face") => "面部",
            (Lang::Zh, "id_number") => "身份证号",
            (Lang::En, "id_number") => "ID number",
            (_, other) => other,
        }
    }
}

/// The report of a check: for every file where its masked copy is, for every page whether
/// masking is needed and what was found (kind and count), then the totals.
/// Paths are shown inside `out`, the check's output folder.
pub fn report(lines: &[ManifestLine], out: &Path, lang: Lang) -> String {
    let mut text = String::new();
    let mut current_source = None;
    for line in lines {
        if current_source != Some(&line.source) {
            current_source = Some(&line.source);
            let arrow = match &line.output {
                Some(output) => format!(" → {}", out.join(output).display()),
                None => String::new(),
            };
            let _ = writeln!(text, "{}{arrow}", line.source);
        }
        let _ = writeln!(text, "  {}", page_report(line, lang));
        if let (Some(output), Some(page)) = (&line.output, line.page) {
            if line.status != Status::Error {
                let preview = out.join(preview_path(output, page));
                let preview = preview.display();
                let _ = match lang {
                    Lang::Zh => writeln!(text, "      预览：{preview}"),
                    Lang::En => writeln!(text, "      preview: {preview}"),
                };
            }
        }
        for reason in &line.review {
            let _ = match lang {
                Lang::Zh => writeln!(text, "      需人工复核：{reason}"),
                Lang::En => writeln!(text, "      needs review: {reason}"),
            };
        }
    }
    let pages = lines.iter().filter(|l| l.page.is_some()).count();
    let masked = lines
        .iter()
        .filter(|l| l.page.is_some() && l.masking_required && l.status != Status::Error)
        .count();
    let review = lines.iter().filter(|l| l.status == Status::Review).count();
    let errors = lines.iter().filter(|l| l.status == Status::Error).count();
    let _ = match lang {
        Lang::Zh => writeln!(
            text,
            "共 {pages} 页：需要遮盖 {masked} 页，需人工复核 {review} 页，无法处理 {errors} 项。"
        ),
        Lang::En => writeln!(
            text,
            "{pages} pages: {masked} need masking, {review} need review, {errors} could not be processed."
        ),
    };
    text
}

/// One page's line: its verdict (是否需要遮盖) and the regions found by kind.
fn page_report(line: &ManifestLine, lang: Lang) -> String {
    let Some(page) = line.page else {
        let error = line.error.as_deref().unwrap_or_default();
        return match lang {
            Lang::Zh => format!("无法处理：{error}"),
            Lang::En => format!("could not be processed: {error}"),
        };
    };
    if line.status == Status::Error {
        let error = line.error.as_deref().unwrap_or_default();
        return match lang {
            Lang::Zh => format!("第 {page} 页：无法处理，已整页遮盖：{error}"),
            Lang::En => format!("page {page}: could not be processed, withheld: {error}"),
        };
    }
    let found: Vec<String> = line
        .region_counts()
        .iter()
        .map(|(kind, n)| match lang {
            Lang::Zh => format!("{} {n} 处", lang.kind(kind)),
            Lang::En => format!("{} x{n}", lang.kind(kind)),
        })
        .collect();
    match (lang, line.masking_required) {
        (Lang::Zh, true) => format!("第 {page} 页：是否需要遮盖：是（{}）", found.join("，")),
        (Lang::Zh, false) => format!("第 {page} 页：是否需要遮盖：否"),
        (Lang::En, true) => format!("page {page}: masking needed: yes ({})", found.join(", ")),
        (Lang::En, false) => format!("page {page}: masking needed: no"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::write::manifest::ManifestRegion;

    fn page(number: usize, kinds: &[&str]) -> ManifestLine {
        let mut line = ManifestLine::file_error("承诺书.pdf", Some("check"), None, String::new());
        line.page = Some(number);
        line.status = Status::Ok;
        line.error = None;
        line.output = Some("files/check/001.pdf".into());
        line.regions = kinds
            .iter()
            .map(|kind| ManifestRegion {
                kind: kind.to_string(),
                bbox: [0, 0, 10, 10],
                evidence: "roster".into(),
            })
            .collect();
        line.masking_required = !kinds.is_empty();
        line
    }

    #[test]
    fn chinese_report_gives_the_verdict_and_counts() {
        let lines = [page(1, &["name", "unit", "unit"]), page(2, &[])];
        let text = report(&lines, Path::new("out"), Lang::Zh);
        assert!(text.contains("承诺书.pdf → out/files/check/001.pdf"));
        assert!(text.contains("第 1 页：是否需要遮盖：是（姓名 1 处，工作单位 2 处）"));
        assert!(text.contains("第 2 页：是否需要遮盖：否"));
        assert!(text.contains("预览：out/previews/check/001-p1.jpg"));
        assert!(text.contains("共 2 页：需要遮盖 1 页"));
    }

    #[test]
    fn english_report_names_errors() {
        let failed = ManifestLine::file_error("x.png", None, None, "empty file (0 bytes)".into());
        let text = report(&[page(1, &["eyes"]), failed], Path::new("out"), Lang::En);
        assert!(text.contains("page 1: masking needed: yes (eyes x1)"));
        assert!(text.contains("could not be processed: empty file (0 bytes)"));
        assert!(text.contains("1 could not be processed"));
    }

    #[test]
    fn language_argument_wins_over_the_locale() {
        assert_eq!(Lang::choose(Some("zh")), Lang::Zh);
        assert_eq!(Lang::choose(Some("en")), Lang::En);
    }
}
