//! The pure core: parsing, planning, rendering and judging are functions of values.
//! Nothing here touches the filesystem, processes, the network, Docker or the clock.

pub mod book;
pub mod check;
pub mod codeblock;
pub mod config;
pub mod diagnostic;
pub mod fence;
pub mod frontmatter;
pub mod highlight;
pub mod include;
pub mod markdown;
pub mod nav;
pub mod output;
pub mod proof;
pub mod render;
pub mod scaffold;
pub mod slug;
pub mod source;
pub mod summary;
pub mod theme;
pub mod verify;
