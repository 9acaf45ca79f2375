//! Failure class "seals over text" (tests/fixtures/seals, made by scripts/make_fixtures.py): two
//! seals of the applicant's unit stamped over each other and over the signer lines, and a faint
//! seal with a broken ring on a phone photo with a blue cast, are masked with the lines under
//! them; the document number, title, body and date stay visible. A health commission's seal
//! stamped over the line naming the applicant's unit stays visible, and the unit's name under
//! its red is read (the seal's colour made paper) and masked.

mod common;

#[test]
fn seals_stamped_over_text_are_masked_with_the_unit_line_under_them() {
    common::expected::assert_group_masked_as_expected("seals");
}
