//! `crossroads map`: load and compile a scenario as `check` does, and draw its route network
//! (locations and legs) as one SVG file, written whole or not at all.

use super::{Error, compile};
use crate::output::{folder, route_map};
use crate::scenario;
use std::path::{Path, PathBuf};

/// Where `map` writes without `--out`: `routes.svg` in the current folder.
pub const DEFAULT_MAP: &str = "routes.svg";

/// What `map` wrote.
#[derive(Debug)]
pub struct MapReport {
    pub out: PathBuf,
    pub locations: usize,
    pub legs: usize,
}

/// `crossroads map`: the scenario's route network as an SVG file at `out` (default
/// [`DEFAULT_MAP`]). Every error of the scenario is reported before anything is written; an
/// existing file is replaced only if it is a route map crossroads wrote.
pub fn map(path: &Path, sets: &[String], out: Option<&Path>) -> Result<MapReport, Error> {
    let loaded = scenario::load(path, sets)?;
    let s = &loaded.scenario;
    compile(path, s)?;
    let net = route_map::Network::from_scenario(s);
    let svg = route_map::svg(&net).map_err(|e| Error::other(e.context("route map")))?;
    let out = out.map_or_else(|| PathBuf::from(DEFAULT_MAP), Path::to_path_buf);
    // A path written as a folder (`maps/`) names a folder, not a file called `maps`: refused
    // like an existing folder, before anything is made.
    if out.as_os_str().to_string_lossy().ends_with('/') {
        return Err(Error::Input(format!(
            "--out {}: names a folder; give the file to write, e.g. {}",
            out.display(),
            out.join(DEFAULT_MAP).display()
        )));
    }
    folder::replace_file(&out, svg.as_bytes(), "a route map", route_map::is_route_map)?;
    Ok(MapReport {
        out,
        locations: net.places.len(),
        legs: net.links.len(),
    })
}
