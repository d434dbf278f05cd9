//! Writing the output contract: the CSV tables (`tables`), the comparison picture (`chart`), the
//! manifest (`manifest`), the folder that receives a run whole or not at all (`folder`, which
//! also writes single files whole), and the picture of a scenario's route network
//! (`route_map`).

pub mod chart;
pub mod folder;
pub mod manifest;
pub mod route_map;
pub mod sweep;
pub mod tables;

pub use folder::{Folder, FolderError};
pub use manifest::Manifest;
