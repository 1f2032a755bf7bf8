//! The pure core: parsing, planning, rendering and judging are functions of values.
//! Nothing here touches the filesystem, processes, the network, Docker or the clock.

pub mod changes;
pub mod diagnostic;
pub mod fence;
pub mod livereload;
pub mod mime;
pub mod output;
pub mod preview;
pub mod source;
pub mod urlpath;
