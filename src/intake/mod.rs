//! Intake: walk the applicant folders, match them to the roster and tell each file's type.

pub mod matching;
pub mod roster;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use roster::{Applicant, Roster};

use crate::error::{Error, PageError, Result};
use matching::Claim;

/// What a file is, judged by its first bytes rather than its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A PDF document.
    Pdf,
    /// A JPEG image.
    Jpeg,
    /// A PNG image.
    Png,
    /// A TIFF image, possibly with several pages.
    Tiff,
    /// A Windows bitmap.
    Bmp,
    /// A WebP image.
    Webp,
    /// A GIF image (its first frame), as some scanning apps and web pages save a page.
    Gif,
}

impl FileKind {
    /// Tells the kind from the first bytes of a file.
    pub fn sniff(head: &[u8]) -> std::result::Result<FileKind, PageError> {
        if head.is_empty() {
            return Err(PageError::Empty);
        }
        let kind = if head.starts_with(b"%PDF") {
            FileKind::Pdf
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            FileKind::Jpeg
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            FileKind::Png
        } else if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
            FileKind::Tiff
        } else if head.starts_with(b"BM") {
            FileKind::Bmp
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            FileKind::Webp
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            FileKind::Gif
        } else if head.len() >= 1024 && contains_bytes(&head[..1024], b"%PDF-") {
            // PDF readers accept a header that is preceded by junk in the first kilobyte.
            FileKind::Pdf
        } else {
            return Err(PageError::Unsupported);
        };
        Ok(kind)
    }

    /// Whether this is a PDF (rendered by PDFium) rather than a raster image.
    pub fn is_pdf(self) -> bool {
        self == FileKind::Pdf
    }
}

/// Whether `needle` occurs in `haystack`.
fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// One file of the intake.
#[derive(Debug, Clone)]
pub struct InputFile {
    /// Where the file is.
    pub path: PathBuf,
    /// Path relative to the intake folder with '/' separators, as written to the manifest.
    pub source: String,
    /// The file's kind, or why it cannot be processed.
    pub kind: std::result::Result<FileKind, PageError>,
}

/// An applicant folder of the intake.
#[derive(Debug, Clone)]
pub struct Folder {
    /// Pseudonymous code naming the folder's outputs (never the applicant's name).
    pub code: String,
    /// The folder's name in the intake.
    pub name: String,
    /// The roster row for this folder, if there is one.
    pub applicant: Option<Applicant>,
    /// When several roster rows fit the folder alike: those rows and why (every page is then
    /// reviewed, with all of them searched for).
    pub undecided: Option<Undecided>,
    /// Files found at any depth below the folder, sorted by path.
    pub files: Vec<InputFile>,
}

/// Roster rows that fit a folder alike, and why none of them was chosen.
#[derive(Debug, Clone)]
pub struct Undecided {
    /// The rows that fit.
    pub candidates: Vec<Applicant>,
    /// Why the folder could not be matched to one of them (row numbers, no names).
    pub reason: String,
}

/// Everything found in an intake folder.
#[derive(Debug, Default)]
pub struct Intake {
    /// Applicant folders, sorted by name.
    pub folders: Vec<Folder>,
    /// Files lying directly in the intake folder, outside any applicant folder.
    pub loose_files: Vec<InputFile>,
    /// Roster rows that no folder of the intake fits.
    pub missing_folders: Vec<Applicant>,
}

impl Intake {
    /// Walks `dir`, matching its sub-folders against `roster`.
    pub fn scan(dir: &Path, roster: &Roster) -> Result<Intake> {
        let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
        let mut intake = Intake::default();
        let mut folder_paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(dir, e))?;
            let path = entry.path();
            let file_type = entry.file_type().map_err(|e| Error::io(&path, e))?;
            if file_type.is_dir() {
                folder_paths.push(path);
            } else {
                intake
                    .loose_files
                    .push(input_file(dir, &path, file_type.is_symlink()));
            }
        }
        folder_paths.sort();
        intake.loose_files.sort_by(|a, b| a.source.cmp(&b.source));
        for kind in intake.loose_files.iter_mut() {
            if kind.kind.is_ok() {
                kind.kind = Err(PageError::OutsideFolder);
            }
        }

        let names: Vec<String> = folder_paths
            .iter()
            .map(|p| roster::normalize_key(&p.file_name().unwrap_or_default().to_string_lossy()))
            .collect();
        let claims = matching::assign(&names, roster);
        let mut unmatched = 0;
        for ((path, name), claim) in folder_paths.iter().zip(names).zip(&claims) {
            let (applicant, undecided) = match claim {
                Claim::One(row) => (Some(roster.applicants[*row].clone()), None),
                Claim::Undecided { rows, reason } => {
                    let candidates = rows.iter().map(|&r| roster.applicants[r].clone()).collect();
                    let reason = reason.clone();
                    (None, Some(Undecided { candidates, reason }))
                }
                Claim::None => (None, None),
            };
            let code = match &applicant {
                Some(a) => applicant_code(a, roster),
                None => {
                    unmatched += 1;
                    format!("X{unmatched:03}")
                }
            };
            let files = walk_files(dir, path)?;
            intake.folders.push(Folder {
                code,
                name,
                applicant,
                undecided,
                files,
            });
        }
        let fitted = |row: usize| {
            claims.iter().any(|c| match c {
                Claim::One(r) => *r == row,
                Claim::Undecided { rows, .. } => rows.contains(&row),
                Claim::None => false,
            })
        };
        intake.missing_folders = (0..roster.applicants.len())
            .filter(|&row| !fitted(row))
            .map(|row| roster.applicants[row].clone())
            .collect();
        Ok(intake)
    }

    /// One applicant's own files and folders, outside any intake (the applicant's check): every
    /// file becomes part of one folder with the given code; sources are relative to the folder
    /// holding each path.
    pub fn of_paths(paths: &[PathBuf], applicant: Applicant, code: &str) -> Result<Intake> {
        let mut files = Vec::new();
        for path in paths {
            let metadata = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
            let parent = path.parent().unwrap_or(Path::new(""));
            if metadata.is_dir() {
                files.extend(walk_files(parent, path)?);
            } else {
                files.push(input_file(parent, path, metadata.is_symlink()));
            }
        }
        Ok(Intake {
            folders: vec![Folder {
                code: code.to_string(),
                name: applicant.folder.clone(),
                applicant: Some(applicant),
                undecided: None,
                files,
            }],
            ..Intake::default()
        })
    }

    /// Every file of the intake: the loose ones, then each folder's.
    pub fn files(&self) -> impl Iterator<Item = &InputFile> {
        self.loose_files
            .iter()
            .chain(self.folders.iter().flat_map(|f| &f.files))
    }
}

/// The pseudonymous output folder of an applicant: the roster's archive number when it is a safe
/// folder name that does not contain the name, else `A` and the roster position.
fn applicant_code(applicant: &Applicant, roster: &Roster) -> String {
    let safe = |s: &str| {
        !s.is_empty()
            && s.len() <= 40
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            && !is_reserved_on_windows(s)
    };
    match &applicant.archive_no {
        Some(no) if safe(no) && !no.contains(&applicant.name) => no.clone(),
        _ => {
            let position = roster
                .applicants
                .iter()
                .position(|a| a == applicant)
                .unwrap_or(0);
            format!("A{:03}", position + 1)
        }
    }
}

/// Whether Windows refuses `name` as a folder name (CON, PRN, AUX, NUL, COM1–9, LPT1–9).
fn is_reserved_on_windows(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    matches!(upper.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ["COM", "LPT"].iter().any(|device| {
            upper
                .strip_prefix(device)
                .is_some_and(|n| n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n != "0")
        })
}

/// All files below `folder`, symlinks reported rather than followed.
fn walk_files(intake_dir: &Path, folder: &Path) -> Result<Vec<InputFile>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(folder)
        .follow_links(false)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(folder).to_path_buf();
            Error::io(
                path,
                e.into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("walk failed")),
            )
        })?;
        if entry.file_type().is_dir() {
            continue;
        }
        files.push(input_file(
            intake_dir,
            entry.path(),
            entry.path_is_symlink(),
        ));
    }
    Ok(files)
}

fn input_file(intake_dir: &Path, path: &Path, is_symlink: bool) -> InputFile {
    let source = relative_source(intake_dir, path);
    let kind = if is_symlink {
        Err(PageError::Symlink)
    } else {
        sniff_file(path)
    };
    InputFile {
        path: path.to_path_buf(),
        source,
        kind,
    }
}

/// The manifest's `source`: the path relative to the intake, '/'-separated, NFC.
fn relative_source(intake_dir: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(intake_dir).unwrap_or(path);
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    roster::normalize_key(&parts.join("/"))
}

fn sniff_file(path: &Path) -> std::result::Result<FileKind, PageError> {
    let mut head = Vec::with_capacity(1024);
    std::fs::File::open(path)
        .and_then(|f| f.take(1024).read_to_end(&mut head))
        .map_err(|e| PageError::Unreadable(crate::platform::io_reason(&e)))?;
    FileKind::sniff(&head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content() {
        assert_eq!(FileKind::sniff(b"%PDF-1.7\n"), Ok(FileKind::Pdf));
        assert_eq!(
            FileKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Ok(FileKind::Jpeg)
        );
        assert_eq!(FileKind::sniff(b"\x89PNG\r\n\x1a\n...."), Ok(FileKind::Png));
        assert_eq!(FileKind::sniff(b"II*\0...."), Ok(FileKind::Tiff));
        assert_eq!(FileKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Ok(FileKind::Webp));
        assert_eq!(FileKind::sniff(b"GIF89a\x49\x02"), Ok(FileKind::Gif));
        assert_eq!(FileKind::sniff(b""), Err(PageError::Empty));
        assert_eq!(
            FileKind::sniff(b"hello, this is text"),
            Err(PageError::Unsupported)
        );
    }

    #[test]
    fn scan_matches_folders_and_reports_strays() {
        let dir = tempfile::tempdir().unwrap();
        let intake = dir.path();
        std::fs::create_dir_all(intake.join("01_王玥/sub")).unwrap();
        std::fs::create_dir_all(intake.join("unknown")).unwrap();
        std::fs::write(
            intake.join("01_王玥/sub/王玥-身份证.png"),
            b"\x89PNG\r\n\x1a\nxx",
        )
        .unwrap();
        std::fs::write(intake.join("01_王玥/note.png"), b"just text").unwrap();
        std::fs::write(intake.join("unknown/a.pdf"), b"%PDF-1.4").unwrap();
        std::fs::write(intake.join("loose.pdf"), b"%PDF-1.4").unwrap();
        let roster = Roster::parse(
            "folder,name,unit\n01_王玥,王玥,X医院\n02_李四,李四,Y医院\n".as_bytes(),
            None,
        )
        .unwrap();

        let scanned = Intake::scan(intake, &roster).unwrap();
        assert_eq!(scanned.folders.len(), 2);
        let first = &scanned.folders[0];
        assert_eq!(first.code, "A001");
        assert_eq!(first.files.len(), 2);
        assert_eq!(first.files[1].source, "01_王玥/sub/王玥-身份证.png");
        assert_eq!(first.files[1].kind, Ok(FileKind::Png));
        assert!(first.files[0].kind.is_err());
        assert_eq!(scanned.folders[1].code, "X001");
        assert!(scanned.folders[1].applicant.is_none());
        assert_eq!(scanned.loose_files.len(), 1);
        assert!(scanned.loose_files[0].kind.is_err());
        assert_eq!(scanned.missing_folders.len(), 1);
        assert_eq!(scanned.files().count(), 4);
    }

    #[test]
    fn namesakes_without_a_way_to_tell_them_apart_get_no_row() {
        let dir = tempfile::tempdir().unwrap();
        for folder in ["王芳", "王芳(2)", "李建国-120023"] {
            std::fs::create_dir(dir.path().join(folder)).unwrap();
        }
        let roster = Roster::parse(
            "姓名,工作单位,身份证号\n王芳,X县医院,\n王芳,Y县医院,\n李建国,Z县医院,652828198603120023\n\
             张三,W县医院,\n"
                .as_bytes(),
            None,
        )
        .unwrap();
        let scanned = Intake::scan(dir.path(), &roster).unwrap();
        let folder = |name: &str| scanned.folders.iter().find(|f| f.name == name).unwrap();
        for name in ["王芳", "王芳(2)"] {
            let f = folder(name);
            assert!(f.applicant.is_none() && f.code.starts_with('X'), "{f:?}");
            let undecided = f.undecided.as_ref().unwrap();
            assert_eq!(undecided.candidates.len(), 2);
            assert!(
                undecided.reason.contains("rows 2, 3"),
                "{}",
                undecided.reason
            );
        }
        assert_eq!(folder("李建国-120023").applicant.as_ref().unwrap().line, 4);
        let missing: Vec<usize> = scanned.missing_folders.iter().map(|a| a.line).collect();
        assert_eq!(missing, [5]);
    }

    /// Issue 30 item 16: `CON` was taken as an archive code, a folder Windows cannot open.
    #[test]
    fn archive_numbers_windows_reserves_are_not_codes() {
        for reserved in ["CON", "con", "NUL", "COM1", "lpt9"] {
            assert!(is_reserved_on_windows(reserved), "{reserved}");
        }
        for fine in ["CONS", "COM0", "COM10", "A001", "2024ZC5061"] {
            assert!(!is_reserved_on_windows(fine), "{fine}");
        }
        let roster = Roster::parse(
            "name,unit,archive_no\n王玥,X医院,CON\n李四,Y医院,2024ZC01\n".as_bytes(),
            None,
        )
        .unwrap();
        let codes: Vec<String> = roster
            .applicants
            .iter()
            .map(|a| applicant_code(a, &roster))
            .collect();
        assert_eq!(codes, ["A001", "2024ZC01"]);
    }
}
