//! The pure core: parsing, planning, rendering and judging are functions of values.
//! Nothing here touches the filesystem, processes, the network, Docker or the clock.

pub mod config;
pub mod diagnostic;
pub mod fence;
pub mod frontmatter;
pub mod output;
pub mod source;
pub mod verify;
