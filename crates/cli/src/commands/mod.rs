//! The subcommands, one file each: their arguments and how each reads its input, calls the
//! libraries and writes its output.

pub mod audit;
pub mod capture;
pub mod decode;
pub mod diagnose;
pub mod explain;
pub mod extract;
pub mod metadata;
pub mod redact;
pub mod sessions;
pub mod setup;
pub mod trail;
