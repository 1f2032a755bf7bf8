//! The pure core: parsing, planning, rendering and judging are functions of values.
//! Nothing here touches the filesystem, processes, the network, Docker or the clock.

pub mod book;
pub mod changes;
pub mod check;
pub mod codeblock;
pub mod color_theme;
pub mod config;
pub mod diagnostic;
pub mod directive;
pub mod fence;
pub mod frontmatter;
pub mod highlight;
pub mod include;
pub mod livereload;
pub mod markdown;
pub mod mime;
pub mod nav;
pub mod output;
pub mod panic;
pub mod preview;
pub mod print;
pub mod proof;
pub mod redirect;
pub mod render;
pub mod scaffold;
pub mod script;
pub mod search;
pub mod slug;
pub mod source;
pub mod strict_links;
pub mod summary;
pub mod theme;
pub mod urlpath;
pub mod verify;
pub mod wording;
