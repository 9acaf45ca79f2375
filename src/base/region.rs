//! The region vocabulary: what a mask hides, why, and where. Every stage from finding to the
//! front ends speaks it.

use crate::geometry::{Rect, Shape};

/// What a masked region hides (the manifest's `kind`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The applicant's name (printed or handwritten).
    Name,
    /// The applicant's work unit (text or seal).
    Unit,
    /// The eyes of a face.
    Eyes,
    /// A whole face (with `--cover-face`).
    Face,
    /// An ID-card number (with `--mask-id-numbers`).
    IdNumber,
}

impl Kind {
    /// The manifest's name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Name => "name",
            Kind::Unit => "unit",
            Kind::Eyes => "eyes",
            Kind::Face => "face",
            Kind::IdNumber => "id_number",
        }
    }
}

/// Why a region was masked (the manifest's `evidence`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// The text matched the roster.
    Roster,
    /// The text sits in the value position of a label such as 姓名 or 工作单位.
    Label,
    /// Handwriting next to a signature label.
    Signature,
    /// Ink the OCR did not read (handwriting) where a name goes: after a label such as 姓名 or
    /// 工作单位, or before a salutation (______同学：).
    Ink,
    /// A red official seal.
    Seal,
    /// In a script the recogniser cannot read (Uyghur, Mongolian), beside a masked name or
    /// unit: the line above or below it in the same field, or the rest of its line.
    OtherScript,
    /// Face landmarks.
    Landmarks,
    /// A pattern (ID number).
    Pattern,
    /// Drawn by a person (see `crate::edit`).
    Manual,
    /// Found by the audit's re-scan of the masked output (a finding a person dismissed).
    Audit,
}

impl Evidence {
    /// The manifest's name for the evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::Roster => "roster",
            Evidence::Label => "label",
            Evidence::Signature => "signature",
            Evidence::Ink => "ink",
            Evidence::Seal => "seal",
            Evidence::OtherScript => "other_script",
            Evidence::Landmarks => "landmarks",
            Evidence::Pattern => "pattern",
            Evidence::Manual => "manual",
            Evidence::Audit => "audit",
        }
    }
}

/// A shape to paint over.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// What it hides.
    pub kind: Kind,
    /// Why it was masked.
    pub evidence: Evidence,
    /// Where, in page pixels: the line's quadrilateral, the eye bar along the eye line, the
    /// seal's disc.
    pub shape: Shape,
}

impl Region {
    /// The page-aligned box round the region.
    pub fn rect(&self) -> Rect {
        self.shape.bbox()
    }
}
