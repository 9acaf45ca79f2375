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

/// Why a file or page failed, in plain words with what to do next, and no command-line flag
/// (the web page shows it too). A file of a kind blindfold does not read says how to make a PDF
/// or image of it, by its extension.
pub fn error_message(lang: Lang, line: &ManifestLine) -> String {
    let Some(kind) = line.error_kind else {
        return line.error.clone().unwrap_or_default();
    };
    if kind == ErrorKind::Unsupported {
        if let Some(advice) = unsupported_advice(lang, &line.source) {
            return advice.to_string();
        }
    }
    let (zh, en) = match kind {
        ErrorKind::Unreadable => (
            "文件无法读取：请关闭正在使用它的程序，或检查是否有读取权限",
            "the file cannot be read: close the program using it, or check that you may read it",
        ),
        ErrorKind::Empty => (
            "文件是空的（0 字节）：请重新导出或扫描",
            "the file is empty (0 bytes): export or scan it again",
        ),
        ErrorKind::Unsupported => (
            "不是 PDF 或图片（JPEG、PNG、TIFF、BMP、WebP、GIF）：请另存为 PDF 后再检查",
            "not a PDF or an image (JPEG, PNG, TIFF, BMP, WebP, GIF): save it as a PDF and check again",
        ),
        ErrorKind::Symlink => (
            "这是一个快捷方式：请提供文件本身",
            "this is a shortcut: give the file itself",
        ),
        ErrorKind::OutsideFolder => (
            "文件不在任何申报人的文件夹中",
            "the file is in no applicant's folder",
        ),
        ErrorKind::Encrypted => (
            "PDF 已加密，需要密码才能打开：请提供未加密的版本",
            "the PDF is encrypted: give a version without a password",
        ),
        ErrorKind::DamagedPdf => (
            "PDF 文件已损坏或无法打开：请重新导出",
            "the PDF is damaged or cannot be opened: export it again",
        ),
        ErrorKind::NoPages => ("PDF 没有任何页面", "the PDF has no pages"),
        ErrorKind::TooManyPages => (
            "页数太多：请把文件拆分成几个较小的文件",
            "too many pages: split the file into smaller ones",
        ),
        ErrorKind::PageSize => (
            "页面太大或为空：请用较低的分辨率（如 300 dpi）重新扫描",
            "the page is too large or empty: scan it again at a lower resolution (such as 300 dpi)",
        ),
        ErrorKind::Undecodable => (
            "图片无法打开（文件可能不完整）：请重新扫描或导出",
            "the image cannot be opened (it may be incomplete): scan or export it again",
        ),
        ErrorKind::Unrenderable => (
            "PDF 页面无法显示，已整页遮盖：请人工检查",
            "the PDF page cannot be shown and was masked whole: look at it yourself",
        ),
        ErrorKind::NoPdfium => (
            "缺少打开 PDF 所需的组件：请重新解压完整的 blindfold 程序包",
            "the part that opens PDFs is missing: unpack the whole blindfold package again",
        ),
        ErrorKind::Analysis => (
            "识别失败，已整页遮盖：请人工检查",
            "recognition failed and the page was masked whole: look at it yourself",
        ),
        ErrorKind::TimeLimit => (
            "识别超时，已整页遮盖：请人工检查",
            "recognition took too long and the page was masked whole: look at it yourself",
        ),
        ErrorKind::Output => (
            "遮盖后的文件无法写出或校验失败：请重新检查",
            "the masked copy could not be written or verified: check again",
        ),
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
    .to_string()
}

/// What to do with a file of a kind blindfold does not read, by its extension: Word and WPS
/// documents are saved as PDF, HEIC photos taken again or converted, OFD printed to PDF,
/// archives unpacked.
fn unsupported_advice(lang: Lang, source: &str) -> Option<&'static str> {
    let extension = source.rsplit_once('.')?.1.to_ascii_lowercase();
    let (zh, en) = match extension.as_str() {
        "doc" | "docx" | "wps" | "rtf" | "odt" | "xls" | "xlsx" | "et" | "ppt" | "pptx" => (
            "这是 Word、WPS 或 Excel 文档：请在 Word 或 WPS 中打开，选择“另存为 PDF”，再检查 PDF 文件",
            "a Word, WPS or Excel document: open it in Word or WPS, choose \"Save as PDF\", and check the PDF",
        ),
        "heic" | "heif" => (
            "这是苹果手机的 HEIC 照片：请在“设置 → 相机 → 格式”中选择“兼容性最佳”后重拍，或把照片转换为 JPEG",
            "an iPhone HEIC photo: choose \"Most Compatible\" in Settings → Camera → Formats and take it again, or convert it to JPEG",
        ),
        "ofd" => (
            "这是 OFD 版式文件：请用 OFD 阅读器打开，选择“打印”并以“打印为 PDF”保存，再检查 PDF 文件",
            "an OFD document: open it in an OFD reader, print it to PDF, and check the PDF",
        ),
        "zip" | "rar" | "7z" => (
            "这是压缩包：请先解压，再选择其中的文件检查",
            "an archive: unpack it first, then check the files in it",
        ),
        _ => return None,
    };
    Some(match lang {
        Lang::Zh => zh,
        Lang::En => en,
    })
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
        assert!(text.contains("could not be processed: the file is empty (0 bytes)"));
        assert!(text.contains("1 could not be processed"));
        let chinese = report(&lines, Path::new("out"), Lang::Zh);
        assert!(chinese.contains("无法处理：文件是空的"), "{chinese}");
        assert!(!chinese.contains("empty file"), "{chinese}");
    }

    /// Issue 29 item 3: Word, HEIC, OFD and zip files were only "not a PDF or image", and the
    /// messages named command-line flags. Each kind says what to do, with no flag.
    #[test]
    fn files_it_cannot_take_say_what_to_do_by_kind() {
        let message = |source: &str, lang: Lang| {
            error_message(
                lang,
                &ManifestLine::file_error(source, None, None, &PageError::Unsupported),
            )
        };
        assert!(message("材料/学历.docx", Lang::Zh).contains("另存为 PDF"));
        assert!(message("证书.wps", Lang::Zh).contains("另存为 PDF"));
        assert!(message("照片.HEIC", Lang::Zh).contains("兼容性最佳"));
        assert!(message("发票.ofd", Lang::Zh).contains("打印为 PDF"));
        assert!(message("全部材料.zip", Lang::Zh).contains("解压"));
        assert!(message("全部材料.zip", Lang::En).contains("unpack"));
        assert!(message("x.txt", Lang::Zh).contains("另存为 PDF"));
        for kind in [
            PageError::TooManyPages { pages: 9, max: 1 },
            PageError::Empty,
        ] {
            let line = ManifestLine::file_error("a.pdf", None, None, &kind);
            for lang in [Lang::Zh, Lang::En] {
                let text = error_message(lang, &line);
                assert!(
                    !text.contains("--") && !text.contains("blindfold"),
                    "{text}"
                );
            }
        }
    }

    #[test]
    fn language_argument_wins_over_the_locale() {
        assert_eq!(Lang::choose(Some("zh")), Lang::Zh);
        assert_eq!(Lang::choose(Some("en")), Lang::En);
    }
}
