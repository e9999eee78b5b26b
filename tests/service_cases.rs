//! The case table (tests/cases/service.json) and the attack catalogue
//! (tests/cases/attacks.json) against the Rust core.
mod common;

#[test]
fn service_case_table() {
    common::assert_table(common::SERVICE_CASES, 170);
}

#[test]
fn attack_catalogue() {
    common::assert_table(common::ATTACK_CASES, 170);
}
