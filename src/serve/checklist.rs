//! The checklist the platform asks for: one row per attachment, whether it needs masking, its
//! masked copy; and the run's outputs in order.

use serde::Serialize;

use super::workspace::{Role, APPLICANT, UPLOADS};
use crate::base::Lang;
use crate::write::manifest::{ManifestLine, Status};

/// One attachment of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistRow {
    /// The attachment as uploaded (staff: its output).
    pub attachment: String,
    /// Its masked copy, relative to the output folder (none when it failed).
    pub masked_copy: Option<String>,
    /// The name the masked copy is downloaded as (see [`download_name`]).
    pub download: Option<String>,
    /// The masked copy's size in bytes.
    pub bytes: Option<u64>,
    /// Pages.
    pub pages: usize,
    /// 是否需要遮盖.
    pub masking_required: bool,
    /// Pages a person should look at.
    pub review: usize,
    /// Why it failed, when it did, in plain words (see [`crate::check::error_message`]).
    pub error: Option<String>,
    /// Found masks someone removed, each with its page and reason: a 否 that was a 是 says so.
    pub removed: Vec<String>,
}

/// What `role` calls the file of `line` (the `index`th line of its run): an applicant, the file
/// as they uploaded it; staff, its output, or the applicant's code and the line's number when it
/// has none (an intake path names the applicant).
pub fn attachment_name(role: Role, line: &ManifestLine, index: usize) -> String {
    match role {
        Role::Applicant => line
            .source
            .strip_prefix(&format!("{UPLOADS}/"))
            .unwrap_or(&line.source)
            .to_string(),
        Role::Staff => line
            .output
            .clone()
            .unwrap_or_else(|| format!("{} ({})", line.applicant.as_deref().unwrap_or("-"), index)),
    }
}

/// The name a masked copy is downloaded as. An applicant's: their file's name, less any of
/// `hidden` (their name, unit and its other spellings) and with a mark that it is the masked
/// copy, and the masked copy's extension (`王玥_身份证.jpg` → `身份证_遮盖件.jpg`), or
/// `附件N` when nothing is left. Staff's: the output's path without the folders' slashes
/// (`files/A001/001.pdf` → `A001-001.pdf`), which names no one.
pub fn download_name(
    role: Role,
    attachment: &str,
    output: &str,
    number: usize,
    hidden: &[String],
    lang: Lang,
) -> String {
    let output = output.strip_prefix("files/").unwrap_or(output);
    if role == Role::Staff {
        return output.replace('/', "-");
    }
    let file = attachment.rsplit('/').next().unwrap_or(attachment);
    let mut stem = file
        .rsplit_once('.')
        .map_or(file, |(stem, _)| stem)
        .to_string();
    for word in hidden.iter().filter(|w| !w.trim().is_empty()) {
        stem = stem.replace(word.trim(), "");
    }
    let separators: &[char] = &[
        '-', '_', ' ', '·', '.', '(', ')', '（', '）', '、', '，', ',',
    ];
    let stem = stem.trim_matches(separators);
    let stem = if stem.is_empty() {
        match lang {
            Lang::Zh => format!("附件{number}"),
            Lang::En => format!("attachment {number}"),
        }
    } else {
        stem.to_string()
    };
    let extension = output.rsplit_once('.').map_or("", |(_, ext)| ext);
    let mark = match lang {
        Lang::Zh => "_遮盖件",
        Lang::En => "_masked",
    };
    format!("{stem}{mark}.{extension}")
}

/// The checklist of a run's lines in `out` as `role` sees them, one row per source file, with
/// download names that leave out `hidden` (see [`download_name`]).
pub fn checklist(
    lines: &[ManifestLine],
    out: &std::path::Path,
    role: Role,
    hidden: &[String],
    lang: Lang,
) -> Vec<ChecklistRow> {
    let mut rows: Vec<ChecklistRow> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let attachment = attachment_name(role, line, index);
        if rows.last().map(|r| &r.attachment) != Some(&attachment) {
            let number = rows.len() + 1;
            let download = line
                .output
                .as_deref()
                .map(|output| download_name(role, &attachment, output, number, hidden, lang));
            rows.push(ChecklistRow {
                download,
                bytes: line
                    .output
                    .as_ref()
                    .and_then(|output| std::fs::metadata(out.join(output)).ok())
                    .map(|m| m.len()),
                attachment,
                masked_copy: line.output.clone(),
                pages: 0,
                masking_required: false,
                review: 0,
                error: None,
                removed: Vec::new(),
            });
        }
        let row = rows.last_mut().expect("pushed");
        row.pages += usize::from(line.page.is_some());
        row.masking_required |= line.masking_required;
        row.review += usize::from(line.status == Status::Review);
        if line.page.is_none() && line.error.is_some() {
            row.error = Some(crate::check::error_message(lang, line));
        }
        for dismissal in &line.dismissed {
            let (kind, page) = (lang.kind(dismissal.region.kind), line.page.unwrap_or(1));
            let who = match (lang, dismissal.by.as_str()) {
                (Lang::Zh, APPLICANT) => "申请人",
                (Lang::En, APPLICANT) => "the applicant",
                (_, user) => user,
            };
            let reason = &dismissal.reason;
            row.removed.push(match lang {
                Lang::Zh => format!("第 {page} 页找到的{kind}遮盖被{who}移除（理由：{reason}）"),
                Lang::En => format!(
                    "page {page}: the found {kind} mask was removed by {who} (reason: {reason})"
                ),
            });
        }
    }
    unique_downloads(&mut rows);
    rows
}

/// Gives a download name that two rows share a number after its stem (`证书_遮盖件-2.pdf`).
fn unique_downloads(rows: &mut [ChecklistRow]) {
    let mut taken = std::collections::HashSet::new();
    for row in rows {
        let Some(name) = row.download.clone() else {
            continue;
        };
        let (stem, extension) = name.rsplit_once('.').unwrap_or((&name, ""));
        let mut candidate = name.clone();
        let mut n = 1;
        while !taken.insert(candidate.clone()) {
            n += 1;
            candidate = format!("{stem}-{n}.{extension}");
        }
        row.download = Some(candidate);
    }
}

/// The distinct outputs of a run's lines, in order.
pub fn outputs(lines: &[ManifestLine]) -> Vec<String> {
    let mut outputs: Vec<String> = Vec::new();
    for output in lines.iter().filter_map(|l| l.output.clone()) {
        if !outputs.contains(&output) {
            outputs.push(output);
        }
    }
    outputs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// Issue 29 item 4: downloads were named check-001.png and did not say which attachment
    /// they were. They are named after it, without the applicant's name, and never twice the same.
    #[test]
    fn downloads_are_named_after_their_attachment_without_the_name() {
        let hidden = ["王玥".to_string(), "巴州人民医院".to_string()];
        let name = |attachment: &str, output: &str| {
            download_name(Role::Applicant, attachment, output, 3, &hidden, Lang::Zh)
        };
        assert_eq!(
            name("王玥_身份证.jpg", "files/check/001.jpg"),
            "身份证_遮盖件.jpg"
        );
        assert_eq!(
            name("材料/巴州人民医院证明.pdf", "files/check/002.pdf"),
            "证明_遮盖件.pdf"
        );
        assert_eq!(
            name("王玥.heic.png", "files/check/003.png"),
            "heic_遮盖件.png"
        );
        assert_eq!(name("王玥.png", "files/check/003.png"), "附件3_遮盖件.png");
        assert_eq!(
            download_name(Role::Staff, "x", "files/A001/001.pdf", 1, &hidden, Lang::Zh),
            "A001-001.pdf"
        );
        let mut rows: Vec<ChecklistRow> = ["a/证书.pdf", "b/证书.pdf"]
            .iter()
            .enumerate()
            .map(|(i, a)| ChecklistRow {
                attachment: a.to_string(),
                masked_copy: Some(format!("files/check/00{i}.pdf")),
                download: Some(name(a, "files/check/001.pdf")),
                bytes: None,
                pages: 1,
                masking_required: false,
                review: 0,
                error: None,
                removed: Vec::new(),
            })
            .collect();
        unique_downloads(&mut rows);
        assert_eq!(rows[0].download.as_deref(), Some("证书_遮盖件.pdf"));
        assert_eq!(rows[1].download.as_deref(), Some("证书_遮盖件-2.pdf"));
    }

    #[test]
    fn the_checklist_has_one_row_per_attachment() {
        use crate::error::PageError;
        let page = |source: &str, n: usize, masked: bool| {
            let mut line = ManifestLine::file_error(source, Some("check"), None, &PageError::Empty);
            (line.page, line.status, line.error) = (Some(n), Status::Ok, None);
            line.output = Some(format!("files/check/{source}"));
            line.masking_required = masked;
            line
        };
        let lines = vec![
            page("files/a.pdf", 1, false),
            page("files/a.pdf", 2, true),
            page("files/b.png", 1, false),
            ManifestLine::file_error("files/c.txt", None, None, &PageError::Empty),
        ];
        let rows = checklist(
            &lines,
            Path::new("/nonexistent"),
            Role::Applicant,
            &[],
            Lang::En,
        );
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].attachment.as_str(), rows[0].pages), ("a.pdf", 2));
        assert!(rows[0].masking_required && !rows[1].masking_required);
        assert_eq!(
            rows[2].error.as_deref(),
            Some("the file is empty (0 bytes): export or scan it again")
        );
        assert_eq!(outputs(&lines).len(), 2);
    }

    /// Issue 30 item 16: an applicant removed every found mask with the reason "x" and the
    /// checklist said 否 with no trace of it. The removals are on the attachment's row.
    #[test]
    fn removed_found_masks_are_listed_on_their_row() {
        use crate::base::{Evidence, Kind};
        use crate::error::PageError;
        use crate::write::manifest::{Dismissal, ManifestRegion};
        let mut line =
            ManifestLine::file_error("files/a.png", Some("check"), None, &PageError::Empty);
        (line.page, line.status, line.error) = (Some(1), Status::Ok, None);
        line.dismissed.push(Dismissal {
            region: ManifestRegion {
                kind: Kind::Name,
                bbox: [0, 0, 10, 10],
                poly: Vec::new(),
                evidence: Evidence::Roster,
            },
            by: APPLICANT.into(),
            at: "2026-12-05T00:00:00Z".into(),
            reason: "x".into(),
        });
        let rows = checklist(
            std::slice::from_ref(&line),
            Path::new("/nonexistent"),
            Role::Applicant,
            &[],
            Lang::Zh,
        );
        assert!(!rows[0].masking_required);
        assert_eq!(
            rows[0].removed,
            ["第 1 页找到的姓名遮盖被申请人移除（理由：x）"]
        );
    }
}
