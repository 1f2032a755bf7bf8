//! The reporters of `cookbook verify`: human (terminal), GitHub annotations, JSON, JUnit.
//! Each is a pure function of a [`super::result::RunReport`].

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod schema;
