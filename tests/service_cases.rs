//! The case table (tests/cases/service.json) against the Rust core.
mod common;

#[test]
fn service_case_table() {
    let (n, failures) = common::run_service_cases();
    assert!(n > 150, "only {n} cases");
    assert!(
        failures.is_empty(),
        "{} of {n} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn attack_catalogue() {
    let (n, failures) = common::run_cases(common::ATTACK_CASES);
    assert!(n > 150, "only {n} rows");
    assert!(
        failures.is_empty(),
        "{} of {n} attack rows failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
