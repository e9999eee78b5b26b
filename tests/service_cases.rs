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
