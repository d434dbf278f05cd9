//! Writing the output contract: the CSV tables (`tables`), the comparison picture (`chart`), the
//! manifest (`manifest`), and the folder that receives a run whole or not at all (`folder`).

pub mod chart;
pub mod folder;
pub mod manifest;
pub mod tables;

pub use folder::{Folder, FolderError};
pub use manifest::Manifest;
