//! The search document: one section of a page, heading to heading. Filled by the site
//! pipeline from rendered markdown; search never parses markdown itself.

use serde::{Deserialize, Serialize};

/// One section of a page, heading to heading: the search document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    /// Relative to the site root, with anchor: `resources.html#shm-size`.
    pub url: String,
    pub page_title: String,
    /// `["Resources", "Shared memory"]`: the section's own heading last.
    pub heading_path: Vec<String>,
    /// Plain prose text of the section (no markup).
    pub text: String,
    /// The code blocks' text of the section, newline-separated.
    pub code: String,
}
