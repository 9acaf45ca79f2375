//! The run's records beside the reviewer-bound `files/` tree: `key.csv` (which pseudonymous code
//! is which applicant, for staff) and `run.json` (the settings the run used, for the audit).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::pages::Limits;
use crate::write::render::OutputOptions;
use crate::write::shard::ShardRecord;

/// One row of `key.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRow {
    /// The pseudonymous code naming the applicant's outputs.
    pub code: String,
    /// The applicant's folder in the intake.
    pub folder: String,
    /// The applicant's name (empty for a folder without a roster row).
    pub name: String,
    /// The applicant's unit (empty for a folder without a roster row).
    pub unit: String,
    /// The roster line the applicant came from.
    pub roster_line: Option<usize>,
    /// Why a folder has no row although rows fit it, or a row no folder (empty otherwise).
    #[serde(default)]
    pub note: String,
    /// What the roster was read as ("CSV, GB18030", "spreadsheet, sheet 花名册" …).
    #[serde(default)]
    pub roster: String,
}

/// The file name of the key in a run's output folder.
pub const KEY_FILE: &str = "key.csv";
/// The file name of the run's settings in its output folder.
pub const SETTINGS_FILE: &str = "run.json";

/// Writes `key.csv` into `out`, readable by the user alone.
pub fn write_key(out: &Path, rows: &[KeyRow]) -> Result<()> {
    let mut key = csv::Writer::from_writer(Vec::new());
    for row in rows {
        key.serialize(row)
            .map_err(|e| Error::encoder(KEY_FILE, e))?;
    }
    let bytes = key
        .into_inner()
        .map_err(|e| Error::encoder(KEY_FILE, e.into_error()))?;
    super::write_atomic_private(&out.join(KEY_FILE), &bytes)
}

/// Reads `key.csv` from `out`.
pub fn read_key(out: &Path) -> Result<Vec<KeyRow>> {
    let path = out.join(KEY_FILE);
    // Read here rather than by `csv::Reader::from_path`, whose only failure is this one.
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    parse_key(&path, &bytes)
}

/// The rows of a key read from `path` as `bytes`.
pub fn parse_key(path: &Path, bytes: &[u8]) -> Result<Vec<KeyRow>> {
    let mut reader = csv::Reader::from_reader(bytes);
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| {
            row.map_err(|e| Error::Record {
                path: path.to_path_buf(),
                line: i + 2,
                source: e.into(),
            })
        })
        .collect()
}

/// The settings a run used that a later look at its outputs must know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// blindfold version.
    pub tool: String,
    /// Resolution PDF pages were rendered at.
    pub dpi: u32,
    /// JPEG quality of the outputs.
    pub jpeg_quality: u8,
    /// Mask colour as RRGGBB.
    pub mask_color: String,
    /// Largest output file wanted, in bytes (outputs over it are encoded at lower qualities).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_file_bytes: Option<u64>,
    /// Largest page accepted, in pixels.
    pub max_pixels: u64,
    /// Most pages accepted from one file.
    pub max_pages: usize,
    /// Which shard of a run split over many machines this is (`run --shard`), if one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardRecord>,
}

impl RunSettings {
    /// The settings of a run with these options and limits.
    pub fn new(output: &OutputOptions, limits: &Limits) -> RunSettings {
        let [r, g, b] = output.mask_color.0;
        RunSettings {
            tool: crate::VERSION.to_string(),
            dpi: output.dpi,
            jpeg_quality: output.jpeg_quality,
            mask_color: format!("{r:02x}{g:02x}{b:02x}"),
            max_file_bytes: output.max_file_bytes,
            max_pixels: limits.max_pixels,
            max_pages: limits.max_pages,
            shard: None,
        }
    }

    /// The run's limits.
    pub fn limits(&self) -> Limits {
        Limits {
            max_pixels: self.max_pixels,
            max_pages: self.max_pages,
        }
    }

    /// The settings that differ in `now` from these, as the options that set them
    /// (`--dpi 150 (was 200)`); the version aside.
    pub fn changes_to(&self, now: &RunSettings) -> Vec<String> {
        let mut changes = Vec::new();
        let mut compare = |option: &str, was: String, is: String| {
            if was != is {
                changes.push(format!("{option} {is} (was {was})"));
            }
        };
        compare("--dpi", self.dpi.to_string(), now.dpi.to_string());
        compare(
            "--jpeg-quality",
            self.jpeg_quality.to_string(),
            now.jpeg_quality.to_string(),
        );
        let megabytes = |bytes: Option<u64>| match bytes {
            Some(bytes) => format!("{}", bytes as f64 / 1e6),
            None => "none".into(),
        };
        compare(
            "--max-file-size",
            megabytes(self.max_file_bytes),
            megabytes(now.max_file_bytes),
        );
        compare(
            "--mask-color",
            self.mask_color.clone(),
            now.mask_color.clone(),
        );
        compare(
            "--max-pixels",
            (self.max_pixels / 1_000_000).to_string(),
            (now.max_pixels / 1_000_000).to_string(),
        );
        compare(
            "--max-pages",
            self.max_pages.to_string(),
            now.max_pages.to_string(),
        );
        changes
    }

    /// Writes `run.json` into `out`.
    pub fn write(&self, out: &Path) -> Result<()> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| Error::encoder(SETTINGS_FILE, e))?;
        super::write_atomic(&out.join(SETTINGS_FILE), text.as_bytes())
    }

    /// Reads `run.json` from `out`.
    pub fn read(out: &Path) -> Result<RunSettings> {
        let path = out.join(SETTINGS_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        serde_json::from_str(&text).map_err(|e| Error::Record {
            path,
            line: 1,
            source: e.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_settings_are_named_by_their_options() {
        let was = RunSettings::new(&OutputOptions::default(), &Limits::default());
        assert!(was.changes_to(&was.clone()).is_empty());
        let now = RunSettings {
            dpi: 150,
            mask_color: "ff0000".into(),
            tool: "9.9.9".into(),
            ..was.clone()
        };
        assert_eq!(
            was.changes_to(&now),
            [
                format!("--dpi 150 (was {})", was.dpi),
                format!("--mask-color ff0000 (was {})", was.mask_color)
            ]
        );
    }

    #[test]
    fn key_and_settings_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let rows = vec![
            KeyRow {
                code: "A001".into(),
                folder: "01_王玥".into(),
                name: "王玥".into(),
                unit: "和静县中医医院".into(),
                roster_line: Some(2),
                note: String::new(),
                roster: "CSV, GB18030".into(),
            },
            KeyRow {
                code: "X001".into(),
                folder: "stray".into(),
                name: String::new(),
                unit: String::new(),
                roster_line: None,
                note: "the folder name fits roster rows 2, 3 alike".into(),
                roster: "CSV, GB18030".into(),
            },
        ];
        write_key(dir.path(), &rows).unwrap();
        let text = std::fs::read_to_string(dir.path().join(KEY_FILE)).unwrap();
        assert!(
            text.starts_with("code,folder,name,unit,roster_line,note,roster\n"),
            "{text}"
        );
        assert_eq!(read_key(dir.path()).unwrap(), rows);

        let settings = RunSettings::new(&OutputOptions::default(), &Limits::default());
        settings.write(dir.path()).unwrap();
        assert_eq!(RunSettings::read(dir.path()).unwrap(), settings);
        assert_eq!(settings.mask_color, "000000");
    }

    #[test]
    fn a_missing_key_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(read_key(dir.path()), Err(Error::Io { .. })));
    }
}
