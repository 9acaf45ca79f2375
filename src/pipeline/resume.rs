//! Resuming an interrupted run: which files the earlier run finished, judged by its manifest and
//! by the files on disk, never by trust.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::error::{Error, Result};
use crate::models::sha256_file;
use crate::write::manifest::{ManifestLine, MANIFEST_FILE};

/// Where an intake file is and where this run puts its output.
pub struct Planned<'a> {
    /// The intake file.
    pub input: &'a Path,
    /// Its output, relative to the output folder.
    pub output: &'a str,
}

/// The manifest lines of every file an earlier run into `out` finished, by source: files whose
/// lines are all there, whose source is unchanged, whose output is where this run's plan puts it
/// and still has the recorded SHA-256 (or, in a dry run, that have no output). Lines of failed
/// files are not kept: they are cheap to redo.
pub fn finished(
    out: &Path,
    planned: &HashMap<&str, Planned>,
    dry_run: bool,
) -> Result<HashMap<String, Vec<ManifestLine>>> {
    let path = out.join(MANIFEST_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut groups: Vec<(String, Vec<ManifestLine>)> = Vec::new();
    for line in whole_lines(&text) {
        match groups.last_mut() {
            Some((source, lines)) if *source == line.source => lines.push(line),
            _ => groups.push((line.source.clone(), vec![line])),
        }
    }
    Ok(groups
        .into_iter()
        .filter(|(source, lines)| {
            planned
                .get(source.as_str())
                .is_some_and(|planned| verifies(out, planned, lines, dry_run))
        })
        .collect())
}

/// The lines of a manifest that a killed run may have left: everything up to the first line
/// that is cut off or unreadable, less the lines of the file that line belonged to.
fn whole_lines(text: &str) -> Vec<ManifestLine> {
    let mut lines = Vec::new();
    for raw in text.split_inclusive('\n') {
        let parsed = raw
            .strip_suffix('\n')
            .and_then(|json| serde_json::from_str::<ManifestLine>(json).ok());
        match parsed {
            Some(line) => lines.push(line),
            None => {
                if let Some(last) = lines.last().map(|l: &ManifestLine| l.source.clone()) {
                    lines.retain(|l| l.source != last);
                }
                break;
            }
        }
    }
    lines
}

/// Whether a file's lines describe a finished, intact result where the plan wants it.
fn verifies(out: &Path, planned: &Planned, lines: &[ManifestLine], dry_run: bool) -> bool {
    let first = &lines[0];
    let pages_in_order = lines.iter().enumerate().all(|(i, l)| l.page == Some(i + 1));
    let same_output = lines
        .iter()
        .all(|l| l.output == first.output && l.output_sha256 == first.output_sha256);
    if !pages_in_order || !same_output || first.source_sha256.is_none() {
        return false;
    }
    let source_unchanged =
        sha256_file(planned.input).is_ok_and(|actual| Some(actual) == first.source_sha256);
    let output_intact = match (&first.output, &first.output_sha256) {
        (Some(output), Some(sha)) => {
            !dry_run
                && output == planned.output
                && sha256_file(&out.join(output)).is_ok_and(|actual| actual == *sha)
        }
        (None, None) => dry_run,
        _ => false,
    };
    source_unchanged && output_intact
}

/// Removes the outputs in `out/files` that this run's plan does not write (`planned`): those of
/// intake files that were withdrawn, replaced or renumbered since the earlier run. They would go
/// to the reviewers with nothing in the manifest to say so.
pub fn remove_orphans(out: &Path, planned: &HashSet<&str>) -> Result<()> {
    let orphans = walkdir::WalkDir::new(out.join("files"))
        .into_iter()
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| {
            let relative = entry.path().strip_prefix(out).unwrap_or(entry.path());
            let relative = relative.to_string_lossy().replace('\\', "/");
            !planned.contains(relative.as_str())
        });
    for entry in orphans {
        std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
    }
    Ok(())
}

/// Removes the temporary files that writes cut short left in the output tree.
pub fn remove_temporary_files(out: &Path) {
    let temporaries = walkdir::WalkDir::new(out.join("files"))
        .into_iter()
        .chain(walkdir::WalkDir::new(out.join("previews")))
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.file_type().is_file())
        .filter(|entry| crate::write::is_temporary(entry.path()));
    for entry in temporaries {
        let _ = std::fs::remove_file(entry.path());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::sha256_bytes;

    fn line(source: &str, page: usize) -> String {
        let mut line =
            ManifestLine::file_error(source, None, None, &crate::error::PageError::Empty);
        line.page = Some(page);
        serde_json::to_string(&line).unwrap() + "\n"
    }

    #[test]
    fn a_cut_off_line_drops_its_whole_file() {
        let text = line("a.pdf", 1) + &line("b.pdf", 1) + &line("b.pdf", 2)[..20];
        let lines = whole_lines(&text);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].source, "a.pdf");
        let complete = line("a.pdf", 1) + &line("b.pdf", 1);
        assert_eq!(whole_lines(&complete).len(), 2);
    }

    #[test]
    fn finished_files_need_their_outputs_where_planned_and_unchanged_sources() {
        let dir = tempfile::tempdir().unwrap();
        let (out, input) = (dir.path().join("out"), dir.path().join("in.png"));
        std::fs::create_dir_all(out.join("files/A001")).unwrap();
        std::fs::write(&input, b"source bytes").unwrap();
        std::fs::write(out.join("files/A001/001.png"), b"output bytes").unwrap();
        let mut page = ManifestLine::file_error(
            "in.png",
            Some("A001"),
            None,
            &crate::error::PageError::Empty,
        );
        page.page = Some(1);
        page.output = Some("files/A001/001.png".into());
        page.source_sha256 = Some(sha256_bytes(b"source bytes"));
        page.output_sha256 = Some(sha256_bytes(b"output bytes"));
        let manifest = crate::write::manifest::to_text(std::slice::from_ref(&page)).unwrap();
        std::fs::write(out.join(MANIFEST_FILE), manifest).unwrap();
        let planned = |output| {
            HashMap::from([(
                "in.png",
                Planned {
                    input: &input,
                    output,
                },
            )])
        };
        let sources = planned("files/A001/001.png");

        assert_eq!(finished(&out, &sources, false).unwrap().len(), 1);
        // Renumbered: an earlier file of the folder was withdrawn.
        let renumbered = planned("files/A001/002.png");
        assert!(finished(&out, &renumbered, false).unwrap().is_empty());
        std::fs::write(out.join("files/A001/001.png"), b"changed").unwrap();
        assert!(finished(&out, &sources, false).unwrap().is_empty());
        std::fs::write(out.join("files/A001/001.png"), b"output bytes").unwrap();
        std::fs::write(&input, b"new source").unwrap();
        assert!(finished(&out, &sources, false).unwrap().is_empty());
    }

    #[test]
    fn outputs_the_plan_does_not_write_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("files/A001")).unwrap();
        for name in ["files/A001/001.png", "files/A001/002.pdf", "notes.txt"] {
            std::fs::write(out.join(name), b"x").unwrap();
        }
        remove_orphans(out, &HashSet::from(["files/A001/001.png"])).unwrap();
        assert!(out.join("files/A001/001.png").exists());
        assert!(!out.join("files/A001/002.pdf").exists());
        assert!(
            out.join("notes.txt").exists(),
            "outside files/: not the run's to remove"
        );
    }
}
