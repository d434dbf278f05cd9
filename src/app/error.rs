//! The one error type of the commands, and the exit code each error maps to.

use crate::output::FolderError;
use crate::scenario::ScenarioError;

/// Why a command failed. `Display` is one line that says where (file, `file:line:col`, flag or
/// folder) and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A scenario file or `--set` that cannot be used.
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A bad argument or configuration file.
    #[error("{0}")]
    Input(String),
    /// A run refused because the machine cannot hold it (memory, threads).
    #[error("{0}")]
    Resource(String),
    /// The output folder: not a crossroads folder, in use by another run, or not writable.
    #[error(transparent)]
    Output(#[from] FolderError),
    /// Anything else (a table that cannot be built, threads that cannot start).
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// The process exit code: 2 for input the user must change (a scenario, an argument, a
    /// configuration, a run too large for the machine, an `--out` that is not an output
    /// folder, for `map` or `report` an existing file crossroads did not write, for `report` a
    /// folder that is not an output folder); 1 for everything else,
    /// including an output folder another run is writing.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Scenario(_) | Error::Input(_) | Error::Resource(_) => 2,
            Error::Output(
                FolderError::NotOutput { .. }
                | FolderError::NotOutputFile { .. }
                | FolderError::Refused { .. },
            ) => 2,
            // A place that cannot be written, like a folder that cannot be made.
            Error::Output(
                FolderError::Busy { .. } | FolderError::Io { .. } | FolderError::UnderAFile { .. },
            ) => 1,
            Error::Other(_) => 1,
        }
    }

    /// An error of building or writing outputs, with its chain of context on one line.
    pub fn other(e: anyhow::Error) -> Error {
        Error::Other(format!("{e:#}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn exit_codes() {
        assert_eq!(Error::Input("x".into()).exit_code(), 2);
        assert_eq!(Error::Resource("x".into()).exit_code(), 2);
        let not_output = FolderError::NotOutput {
            path: PathBuf::from("x"),
            reason: "y".into(),
        };
        assert_eq!(Error::from(not_output).exit_code(), 2);
        let not_output_file = FolderError::NotOutputFile {
            path: PathBuf::from("x.svg"),
            reason: "y".into(),
        };
        assert_eq!(Error::from(not_output_file).exit_code(), 2);
        let busy = FolderError::Busy {
            path: PathBuf::from("x"),
            lock: PathBuf::from(".x.lock"),
        };
        assert_eq!(Error::from(busy).exit_code(), 1);
        assert_eq!(Error::Other("x".into()).exit_code(), 1);
    }
}
