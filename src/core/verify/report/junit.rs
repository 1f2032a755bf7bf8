//! `--junit FILE`: one testsuite per markdown file, one testcase per block named
//! `file:line` (with the heading as classname), via quick-junit. Skipped and blocked
//! blocks are `<skipped>` unless required; fail/stale/timeout are `<failure>`.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::core::verify::judge::Outcome;
use crate::core::verify::result::{excerpt, RunReport};

/// The JUnit XML document.
pub fn render(report: &RunReport) -> String {
    // What was proven, where every JUnit viewer shows it: the report's name.
    let mut junit = Report::new(format!("cookbook verify: {}", report.proof().line));
    let mut suites: Vec<TestSuite> = Vec::new();
    for r in &report.results {
        let file = r.block.file.to_string_lossy().replace('\\', "/");
        let o = r.verdict.outcome;
        let mut status = if r.fails_run {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_type(o.name()).set_message(r.verdict.reason.as_str());
            if let Some(d) = &r.verdict.diff {
                s.set_description(d.as_str());
            }
            s
        } else if matches!(o, Outcome::Skipped | Outcome::Blocked) {
            let mut s = TestCaseStatus::skipped();
            s.set_type(o.name()).set_message(r.verdict.reason.as_str());
            s
        } else {
            TestCaseStatus::success()
        };
        if o == Outcome::Leaked {
            status = TestCaseStatus::success();
        }
        let mut case = TestCase::new(r.block.position(), status);
        case.set_classname(if r.block.heading.is_empty() { file.clone() } else { r.block.heading.clone() });
        case.set_time(r.duration);
        if !r.output.is_empty() {
            case.set_system_out(excerpt(&r.output));
        }
        if o == Outcome::Leaked {
            case.set_system_err(format!("leaked (removed): {}", r.leaked.join(", ")));
        }
        match suites.iter_mut().find(|s| s.name.as_str() == file) {
            Some(s) => {
                s.add_test_case(case);
            }
            None => {
                let mut s = TestSuite::new(file.clone());
                s.add_test_case(case);
                suites.push(s);
            }
        }
    }
    junit.add_test_suites(suites);
    junit.set_time(report.duration);
    junit.to_string().unwrap_or_default()
}
