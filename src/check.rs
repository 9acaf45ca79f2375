//! The applicant's check: their own files masked without a roster, with previews, and a
//! per-page report of what would be masked, in Chinese or English.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::base::text::on_one_line;
use crate::base::Lang;
use crate::detect::Detector;
use crate::error::{ErrorKind, Result};
use crate::intake::{Applicant, Intake};
use crate::pipeline::{self, Progress, RunConfig, Summary};
use crate::write::key::{self, KeyRow};
use crate::write::lock::FolderLock;
use crate::write::manifest::{self, ManifestLine, Status};
use crate::write::preview::preview_path;

/// What an applicant checks: their files and folders, and who they are.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// Files and folders to check.
    pub paths: Vec<PathBuf>,
    /// The applicant's name.
    pub name: String,
    /// The applicant's work unit.
    pub unit: String,
    /// Other spellings of the unit.
    pub aliases: Vec<String>,
}

/// The code naming a check's outputs (`OUT/files/check/`).
pub const CHECK_CODE: &str = "check";

/// Checks the request's files into `config.out` (its earlier results are replaced): masked
/// copies, previews, the manifest and a key naming the applicant (so that `audit` can look for
/// the name in the outputs). Returns the counts and the manifest lines.
pub fn run(
    request: &CheckRequest,
    config: &RunConfig,
    detectors: Vec<Box<dyn Detector>>,
    progress: &dyn Progress,
) -> Result<(Summary, Vec<ManifestLine>)> {
    let config = RunConfig {
        previews: true,
        ..config.clone()
    };
    pipeline::ensure_apart(&request.paths, &config.out)?;
    let applicant = Applicant {
        folder: CHECK_CODE.into(),
        name: request.name.clone(),
        unit: request.unit.clone(),
        aliases: request.aliases.clone(),
        archive_no: None,
        id_number: None,
        line: 0,
    };
    let intake = Intake::of_paths(&request.paths, applicant, CHECK_CODE)?;
    std::fs::create_dir_all(&config.out).map_err(|e| crate::Error::io(&config.out, e))?;
    let _lock = FolderLock::acquire(&config.out, "check")?;
    pipeline::clear_results(&config.out)?;
    let key = KeyRow {
        code: CHECK_CODE.into(),
        folder: CHECK_CODE.into(),
        name: request.name.clone(),
        unit: request.unit.clone(),
        roster_line: None,
        note: String::new(),
        roster: "check".into(),
    };
    key::write_key(&config.out, &[key])?;
    let notes = pipeline::intake_notes(&intake, None);
    let summary = pipeline::process(&config, &intake, notes, detectors, progress)?;
    let lines = manifest::read(&config.out.join(manifest::MANIFEST_FILE))?;
    Ok((summary, lines))
}

/// Why a file or page failed, in plain words with what to do. English keeps the manifest's
/// message, which has the details.
pub fn error_message(lang: Lang, line: &ManifestLine) -> String {
    let english = line.error.clone().unwrap_or_default();
    let (Lang::Zh, Some(kind)) = (lang, line.error_kind) else {
        return english;
    };
    match kind {
        ErrorKind::Unreadable => "文件无法读取（请检查文件是否被其他程序占用或没有读取权限）",
        ErrorKind::Empty => "文件是空的（0 字节），请重新导出或扫描",
        ErrorKind::Unsupported => "不是 PDF 或支持的图片格式（JPEG、PNG、TIFF、BMP、WebP）",
        ErrorKind::Symlink => "这是一个快捷方式（符号链接），请直接提供文件本身",
        ErrorKind::OutsideFolder => "文件不在任何申报人的文件夹中",
        ErrorKind::Encrypted => "PDF 已加密，需要密码才能打开，请提供未加密的版本",
        ErrorKind::DamagedPdf => "PDF 文件已损坏或无法打开，请重新导出",
        ErrorKind::NoPages => "PDF 没有任何页面",
        ErrorKind::TooManyPages => "页数超过上限（--max-pages），请拆分文件",
        ErrorKind::PageSize => "页面尺寸为零或超过像素上限（--max-pixels），请降低扫描分辨率",
        ErrorKind::Undecodable => "图片无法解码（文件可能不完整），请重新扫描或导出",
        ErrorKind::Unrenderable => "PDF 页面无法显示，已整页遮盖",
        ErrorKind::NoPdfium => "缺少 PDFium，无法打开 PDF（运行 blindfold doctor 查看）",
        ErrorKind::Analysis => "识别失败，已整页遮盖，请人工检查",
        ErrorKind::TimeLimit => "识别超时（--page-time-limit），已整页遮盖，请人工检查",
        ErrorKind::Output => "遮盖后的文件无法写出或校验失败",
    }
    .to_string()
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
            let _ = writeln!(text, "{}{arrow}", on_one_line(&line.source));
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
        let error = error_message(lang, line);
        return match lang {
            Lang::Zh => format!("无法处理：{error}"),
            Lang::En => format!("could not be processed: {error}"),
        };
    };
    if line.status == Status::Error {
        let error = error_message(lang, line);
        return match lang {
            Lang::Zh => format!("第 {page} 页：无法处理，已整页遮盖：{error}"),
            Lang::En => format!("page {page}: could not be processed, withheld: {error}"),
        };
    }
    let found: Vec<String> = line
        .region_counts()
        .iter()
        .map(|(kind, n)| match lang {
            Lang::Zh => format!("{} {n} 处", lang.kind(*kind)),
            Lang::En => format!("{} x{n}", lang.kind(*kind)),
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
    use crate::base::{Evidence, Kind};
    use crate::error::PageError;
    use crate::write::manifest::ManifestRegion;

    fn page(number: usize, kinds: &[Kind]) -> ManifestLine {
        let mut line =
            ManifestLine::file_error("承诺书.pdf", Some("check"), None, &PageError::Empty);
        line.page = Some(number);
        line.status = Status::Ok;
        line.error = None;
        line.error_kind = None;
        line.output = Some("files/check/001.pdf".into());
        line.regions = kinds
            .iter()
            .map(|&kind| ManifestRegion {
                kind,
                bbox: [0, 0, 10, 10],
                poly: Vec::new(),
                evidence: Evidence::Roster,
            })
            .collect();
        line.masking_required = !kinds.is_empty();
        line
    }

    #[test]
    fn chinese_report_gives_the_verdict_and_counts() {
        let lines = [page(1, &[Kind::Name, Kind::Unit, Kind::Unit]), page(2, &[])];
        let text = report(&lines, Path::new("out"), Lang::Zh);
        assert!(text.contains("承诺书.pdf → out/files/check/001.pdf"));
        assert!(text.contains("第 1 页：是否需要遮盖：是（姓名 1 处，工作单位 2 处）"));
        assert!(text.contains("第 2 页：是否需要遮盖：否"));
        assert!(text.contains("预览：out/previews/check/001-p1.jpg"));
        assert!(text.contains("共 2 页：需要遮盖 1 页"));
    }

    #[test]
    fn english_report_names_errors() {
        let failed = ManifestLine::file_error("x.png", None, None, &PageError::Empty);
        let lines = [page(1, &[Kind::Eyes]), failed];
        let text = report(&lines, Path::new("out"), Lang::En);
        assert!(text.contains("page 1: masking needed: yes (eyes x1)"));
        assert!(text.contains("could not be processed: empty file (0 bytes)"));
        assert!(text.contains("1 could not be processed"));
        let chinese = report(&lines, Path::new("out"), Lang::Zh);
        assert!(chinese.contains("无法处理：文件是空的"), "{chinese}");
        assert!(!chinese.contains("empty file"), "{chinese}");
    }

    #[test]
    fn language_argument_wins_over_the_locale() {
        assert_eq!(Lang::choose(Some("zh")), Lang::Zh);
        assert_eq!(Lang::choose(Some("en")), Lang::En);
    }
}
