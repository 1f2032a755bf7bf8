//! Which verdicts fail a run: the rule behind "green means proven". A block that was not
//! proven fails the run unless a need it declares (or the run does not require) explains
//! why. Pure: the runner applies it to each block's verdict.

use std::collections::BTreeSet;

use super::attrs::Need;
use super::judge::{Outcome, Verdict};

/// The run's settings the rule depends on.
#[derive(Debug, Clone, Copy)]
pub struct RunRule<'a> {
    /// `--strict`: a leak fails the run.
    pub strict: bool,
    /// `--require`: capabilities whose absence fails the run.
    pub required: &'a BTreeSet<Need>,
}

impl RunRule<'_> {
    /// Whether a verdict fails the run: fail, stale and timeout always; skipped or blocked
    /// for a `--require`d capability; and, in a run that requires Docker, skipped or
    /// blocked for a capability the block does not declare (nor imply): nothing explains
    /// why it was not proven. `skip`, `[verify] skip` and "not run" name no capability.
    pub fn fails_run(&self, v: &Verdict, declared: &BTreeSet<Need>) -> bool {
        match v.outcome {
            Outcome::Fail | Outcome::Stale | Outcome::Timeout => true,
            Outcome::Leaked => self.strict,
            Outcome::Pass => false,
            Outcome::Skipped | Outcome::Blocked => v.missing.is_some_and(|need| {
                let net = |n: Need| matches!(n, Need::Network | Need::Registry);
                self.required.contains(&need)
                    || need == Need::Network && self.required.contains(&Need::Registry)
                    || self.required.contains(&Need::Docker) && !declared.iter().any(|d| *d == need || net(*d) && net(need))
            }),
        }
    }

    /// Says, in the reason, why a skipped or blocked block fails the run.
    pub fn explain(&self, mut v: Verdict, declared: &BTreeSet<Need>) -> Verdict {
        if let Some(need) = v.missing.filter(|n| !self.required.contains(n) && !declared.contains(n)) {
            if self.fails_run(&v, declared) {
                v.reason.push_str(&format!(" (the block does not declare `needs={}`, so nothing explains it)", need.name()));
            }
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(needs: &[Need]) -> BTreeSet<Need> {
        needs.iter().copied().collect()
    }

    #[test]
    fn failures_always_fail_and_leaks_only_when_strict() {
        let none = set(&[]);
        for strict in [false, true] {
            let rule = RunRule { strict, required: &none };
            for o in [Outcome::Fail, Outcome::Stale, Outcome::Timeout] {
                assert!(rule.fails_run(&Verdict::new(o, "x"), &none), "{o:?}");
            }
            assert!(!rule.fails_run(&Verdict::new(Outcome::Pass, "x"), &none));
            assert_eq!(rule.fails_run(&Verdict::new(Outcome::Leaked, "x"), &none), strict);
        }
    }

    #[test]
    fn an_unproven_block_fails_a_docker_run_unless_a_declared_need_explains_it() {
        let docker = set(&[Need::Docker]);
        let rule = RunRule { strict: false, required: &docker };
        let blocked = Verdict::new(Outcome::Blocked, "the registry is unreachable").lacking(Need::Registry);
        assert!(rule.fails_run(&blocked, &set(&[])), "nothing explains it");
        assert!(!rule.fails_run(&blocked, &set(&[Need::Registry])));
        assert!(!rule.fails_run(&blocked, &set(&[Need::Network])), "network and registry explain each other");
        let explained = rule.explain(blocked.clone(), &set(&[]));
        assert!(
            explained.reason.ends_with("(the block does not declare `needs=registry`, so nothing explains it)"),
            "{}",
            explained.reason
        );
        assert_eq!(rule.explain(blocked.clone(), &set(&[Need::Registry])).reason, blocked.reason);
        let gpu = Verdict::new(Outcome::Skipped, "needs a GPU").lacking(Need::Gpu);
        assert!(!rule.fails_run(&gpu, &set(&[Need::Gpu])));
        assert!(!rule.fails_run(&Verdict::new(Outcome::Skipped, "skip"), &set(&[])), "a skip names no capability");
    }

    #[test]
    fn a_required_capability_fails_even_when_declared() {
        let gpu = set(&[Need::Gpu]);
        let rule = RunRule { strict: false, required: &gpu };
        let skipped = Verdict::new(Outcome::Skipped, "needs a GPU").lacking(Need::Gpu);
        assert!(rule.fails_run(&skipped, &gpu));
        let registry = set(&[Need::Registry]);
        let rule = RunRule { strict: false, required: &registry };
        assert!(rule.fails_run(&Verdict::new(Outcome::Blocked, "dns").lacking(Need::Network), &set(&[Need::Network])));
        let none = set(&[]);
        let rule = RunRule { strict: false, required: &none };
        assert!(!rule.fails_run(&skipped, &set(&[])), "without --require docker, an undeclared need is visible, not failing");
    }
}
