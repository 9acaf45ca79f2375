//! Roster parsing never panics, and what it accepts is consistent: every applicant has a name,
//! a unit and, when the roster has a folder column, a folder, found again by that folder.
#![no_main]

use blindfold::intake::Roster;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(roster) = Roster::parse(bytes, None) {
        for applicant in &roster.applicants {
            assert!(!applicant.name.is_empty() && !applicant.unit.is_empty());
            if roster.has_folder_column() {
                assert_eq!(roster.by_folder(&applicant.folder), Some(applicant));
            }
        }
    }
});
