//! The checklist the platform asks for: one row per attachment, whether it needs masking, its
//! masked copy; and the run's outputs in order.

use serde::Serialize;

use super::workspace::{Role, UPLOADS};
use crate::base::Lang;
use crate::write::manifest::{ManifestLine, Status};

/// One attachment of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistRow {
    /// The attachment as uploaded (staff: its output).
    pub attachment: String,
    /// Its masked copy, relative to the output folder (none when it failed).
    pub masked_copy: Option<String>,
    /// Pages.
    pub pages: usize,
    /// 是否需要遮盖.
    pub masking_required: bool,
    /// Pages a person should look at.
    pub review: usize,
    /// Why it failed, when it did, in plain words (see [`crate::check::error_message`]).
    pub error: Option<String>,
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

/// The checklist of a run's lines as `role` sees them, one row per source file.
pub fn checklist(lines: &[ManifestLine], role: Role, lang: Lang) -> Vec<ChecklistRow> {
    let mut rows: Vec<ChecklistRow> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let attachment = attachment_name(role, line, index);
        if rows.last().map(|r| &r.attachment) != Some(&attachment) {
            rows.push(ChecklistRow {
                attachment,
                masked_copy: line.output.clone(),
                pages: 0,
                masking_required: false,
                review: 0,
                error: None,
            });
        }
        let row = rows.last_mut().expect("pushed");
        row.pages += usize::from(line.page.is_some());
        row.masking_required |= line.masking_required;
        row.review += usize::from(line.status == Status::Review);
        if line.page.is_none() && line.error.is_some() {
            row.error = Some(crate::check::error_message(lang, line));
        }
    }
    rows
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
        let rows = checklist(&lines, Role::Applicant, Lang::En);
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].attachment.as_str(), rows[0].pages), ("a.pdf", 2));
        assert!(rows[0].masking_required && !rows[1].masking_required);
        assert_eq!(rows[2].error.as_deref(), Some("empty file (0 bytes)"));
        assert_eq!(outputs(&lines).len(), 2);
    }
}
