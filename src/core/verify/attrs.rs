//! The attributes of a verify block (`needs=gpu timeout=90s exit=1 hidden …`), validated
//! into values. Unknown or malformed attributes become diagnostics with a suggestion;
//! finding the blocks in markdown is `block.rs`'s job.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Serialize;

use crate::core::config::parse_duration;
use crate::core::fence::{Attr, FenceInfo};

/// Every attribute a verify block may carry, in the order the docs list them.
pub const KNOWN: &[&str] = &["verify", "needs", "timeout", "exit", "retries", "hidden", "cleanup", "skip", "output"];

/// A capability a block needs from the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Need {
    Docker,
    Gpu,
    Registry,
    Network,
}

impl Need {
    pub const ALL: [Need; 4] = [Need::Docker, Need::Gpu, Need::Registry, Need::Network];

    pub fn name(self) -> &'static str {
        match self {
            Need::Docker => "docker",
            Need::Gpu => "gpu",
            Need::Registry => "registry",
            Need::Network => "network",
        }
    }

    pub fn parse(word: &str) -> Option<Need> {
        Need::ALL.into_iter().find(|n| n.name() == word)
    }
}

/// Which captured stream the expected output is compared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputStream {
    Stdout,
    Stderr,
    /// stdout and stderr merged in the order they were written (the default, like a terminal).
    #[default]
    Both,
    /// Output is not compared at all.
    Any,
}

impl OutputStream {
    fn parse(word: &str) -> Option<OutputStream> {
        Some(match word {
            "stdout" => OutputStream::Stdout,
            "stderr" => OutputStream::Stderr,
            "both" => OutputStream::Both,
            "any" => OutputStream::Any,
            _ => return None,
        })
    }
}

/// The validated attributes of one verify block.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Attrs {
    /// Declared and inferred needs, sorted.
    pub needs: BTreeSet<Need>,
    /// `timeout=`; `None` means the page's or the book's default.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_millis")]
    pub timeout: Option<Duration>,
    pub exit: i32,
    pub retries: u32,
    pub hidden: bool,
    pub cleanup: bool,
    pub skip: bool,
    pub output: OutputStream,
    /// Not selected by the run's FILTER, but run first because a selected block of its
    /// page comes after it (set by `plan::select`, never written in the markdown).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub setup: bool,
}

fn ser_millis<S: serde::Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_u128(d.as_millis()),
        None => s.serialize_none(),
    }
}

/// A problem with one attribute: where it is inside the info string and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrProblem {
    pub span: std::ops::Range<usize>,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// Validates the words of a verify block's info string.
pub fn parse(info: &FenceInfo) -> (Attrs, Vec<AttrProblem>) {
    let mut attrs = Attrs::default();
    let mut problems = Vec::new();
    let mut in_needs = false;
    for attr in &info.attrs {
        // `needs=gpu,docker`: the comma splits words, so a bare capability right after
        // `needs=` continues the list.
        if in_needs && attr.value.is_none() {
            if let Some(n) = Need::parse(&attr.key) {
                attrs.needs.insert(n);
                continue;
            }
        }
        in_needs = false;
        if let Err(p) = apply(&mut attrs, attr, &mut in_needs) {
            problems.push(p);
        }
    }
    (attrs, problems)
}

fn apply(attrs: &mut Attrs, attr: &Attr, in_needs: &mut bool) -> Result<(), AttrProblem> {
    let value = attr.value.as_deref();
    let flag = |set: &mut bool| match value {
        None => {
            *set = true;
            Ok(())
        }
        Some(_) => Err(problem(attr, format!("`{}` takes no value", attr.key), "remove `=…`")),
    };
    match attr.key.as_str() {
        "verify" => flag(&mut true),
        "hidden" => flag(&mut attrs.hidden),
        "cleanup" => flag(&mut attrs.cleanup),
        "skip" => flag(&mut attrs.skip),
        "needs" => {
            let v = required(attr, "needs=gpu (also docker, registry, network)")?;
            for word in v.split(['+', '|']).filter(|w| !w.is_empty()) {
                let need = Need::parse(word).ok_or_else(|| {
                    let known = ["docker", "gpu", "registry", "network"];
                    let help = match crate::core::wording::closest(word, known) {
                        Some(s) => format!("did you mean `{s}`? known needs: {}", known.join(", ")),
                        None => format!("known needs: {}", known.join(", ")),
                    };
                    problem(attr, format!("unknown need `{word}`"), &help)
                })?;
                attrs.needs.insert(need);
            }
            *in_needs = true;
            Ok(())
        }
        "timeout" => {
            let v = required(attr, "timeout=90s (also ms, m, h)")?;
            match parse_duration(v) {
                Some(d) if !d.is_zero() => {
                    attrs.timeout = Some(d);
                    Ok(())
                }
                _ => Err(problem(attr, format!("invalid timeout `{v}`"), "write a duration such as `90s`, `5m` or `500ms`")),
            }
        }
        "exit" => {
            let v = required(attr, "exit=1")?;
            match v.parse::<i32>() {
                Ok(n) if (0..=255).contains(&n) => {
                    attrs.exit = n;
                    Ok(())
                }
                _ => Err(problem(attr, format!("invalid exit status `{v}`"), "write a number from 0 to 255, e.g. `exit=1`")),
            }
        }
        "retries" => {
            let v = required(attr, "retries=2")?;
            match v.parse::<u32>() {
                Ok(n) if n <= 10 => {
                    attrs.retries = n;
                    Ok(())
                }
                _ => Err(problem(attr, format!("invalid retries `{v}`"), "write a number from 0 to 10, e.g. `retries=2`")),
            }
        }
        "output" => {
            let v = required(attr, "output=stdout")?;
            attrs.output = OutputStream::parse(v)
                .ok_or_else(|| problem(attr, format!("invalid output stream `{v}`"), "write one of: stdout, stderr, both, any"))?;
            Ok(())
        }
        other => {
            let help = match did_you_mean(other) {
                Some(s) => format!("did you mean `{s}`? known attributes: {}", KNOWN.join(", ")),
                None => format!("known attributes: {}", KNOWN.join(", ")),
            };
            Err(AttrProblem {
                span: attr.span.clone(),
                message: format!("unknown attribute `{other}`"),
                label: "not a verify attribute".into(),
                help,
            })
        }
    }
}

fn required<'a>(attr: &'a Attr, example: &str) -> Result<&'a str, AttrProblem> {
    match attr.value.as_deref() {
        Some(v) if !v.is_empty() => Ok(v),
        _ => Err(problem(attr, format!("`{}` needs a value", attr.key), &format!("write it as `{example}`"))),
    }
}

fn problem(attr: &Attr, message: String, help: &str) -> AttrProblem {
    AttrProblem { span: attr.span.clone(), message, label: "here".into(), help: help.into() }
}

/// The known attribute closest to `word`, if it is a plausible typo.
pub fn did_you_mean(word: &str) -> Option<&'static str> {
    crate::core::wording::closest(word, KNOWN.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(info: &str) -> (Attrs, Vec<AttrProblem>) {
        parse(&FenceInfo::parse(info))
    }

    #[test]
    fn reads_every_attribute() {
        let (a, p) = parse_str("bash verify needs=gpu,docker timeout=90s exit=1 retries=2 hidden cleanup skip output=stderr");
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(a.needs, BTreeSet::from([Need::Gpu, Need::Docker]));
        assert_eq!(a.timeout, Some(Duration::from_secs(90)));
        assert_eq!((a.exit, a.retries, a.hidden, a.cleanup, a.skip), (1, 2, true, true, true));
        assert_eq!(a.output, OutputStream::Stderr);
    }

    #[test]
    fn unknown_and_malformed_attributes_are_problems() {
        let (_, p) = parse_str("bash verify tmeout=5s exit=x needs=tpu hidden=1 timeout= output=all");
        let msgs: Vec<_> = p.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "unknown attribute `tmeout`",
                "invalid exit status `x`",
                "unknown need `tpu`",
                "`hidden` takes no value",
                "`timeout` needs a value",
                "invalid output stream `all`"
            ]
        );
        assert!(p[0].help.starts_with("did you mean `timeout`?"), "{}", p[0].help);
        assert!(p[0].help.contains("needs, timeout, exit"));
        assert_eq!(p[0].span, 12..21);
        let (_, p) = parse_str("bash verify zzzzzzzz");
        assert!(!p[0].help.contains("did you mean"));
    }
}
