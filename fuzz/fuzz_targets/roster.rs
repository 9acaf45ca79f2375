//! Roster parsing never panics, and what it accepts is consistent: every applicant has a name,
//! a unit and a folder, found again by that folder.
#![no_main]

use blindfold::intake::Roster;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Ok(roster) = Roster::parse(bytes) {
        for applicant in &roster.applicants {
            assert!(!applicant.name.is_empty() && !applicant.unit.is_empty());
            assert_eq!(roster.by_folder(&applicant.folder), Some(applicant));
        }
    }
});
