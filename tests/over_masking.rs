//! Failure class "over-masking: rectangles much larger than what they cover" (tests/fixtures/
//! shapes, made by scripts/make_fixtures.py): a seal is masked as its disc, so the issuing date
//! reaching into the corner of its square stays visible; on a work card photographed turned by
//! 20 degrees the eye bar lies along the eye line and the name and unit masks along their
//! lines, so the forehead and the lines under them stay visible.

mod common;

#[test]
fn masks_are_no_larger_than_what_they_cover() {
    common::expected::assert_group_masked_as_expected("shapes");
}
