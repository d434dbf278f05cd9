//! Files written whole or not at all: each is written to `<name>.partial` and renamed to its
//! final name only when every file of the run has been written.

use anyhow::{Context, Result};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The files of one run, written but not yet renamed into place.
pub struct Staged {
    dir: PathBuf,
    pending: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// Prepare the output folder (created if missing).
    pub fn new(dir: &Path) -> Result<Staged> {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output folder {}", dir.display()))?;
        Ok(Staged {
            dir: dir.to_path_buf(),
            pending: Vec::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Write `bytes` as `name` (staged).
    pub fn write(&mut self, name: &str, bytes: &[u8]) -> Result<()> {
        let fin = self.dir.join(name);
        let tmp = self.dir.join(format!("{name}.partial"));
        let mut f =
            fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
        f.write_all(bytes)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        f.sync_all().ok();
        self.pending.push((tmp, fin));
        Ok(())
    }

    /// Rename every staged file into place.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        let mut done = Vec::new();
        for (tmp, fin) in &self.pending {
            fs::rename(tmp, fin)
                .with_context(|| format!("cannot rename {} to {}", tmp.display(), fin.display()))?;
            done.push(fin.clone());
        }
        Ok(done)
    }
}

impl Drop for Staged {
    /// Files never committed (an error on the way) are removed.
    fn drop(&mut self) {
        for (tmp, _) in &self.pending {
            let _ = fs::remove_file(tmp);
        }
    }
}
