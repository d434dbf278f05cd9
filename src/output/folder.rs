//! An output folder that holds one run, whole. A run claims its folder before it simulates:
//!
//! 1. the folder must be new, empty, or a crossroads output folder: it holds `manifest.json`
//!    (written by crossroads), `comparison.csv` or `calibration.csv`, and nothing but the files
//!    and scenario sub-folders a run writes (a `report.html` only if crossroads wrote it). Any
//!    other folder, or a file, is refused, so a mistyped `--out` never replaces a user's files,
//!    even one that happens to hold a file of the same name. Nor is a scenario's folder inside a
//!    comparison replaced. A target that is a symbolic link is followed: the run goes where it
//!    leads. An earlier run that could not be deleted after the swap is found here;
//! 2. an advisory lock on `<parent>/.<name>.lock` is taken without waiting; if another run holds
//!    it, this run stops at once without touching the folder. The lock dies with its process;
//! 3. temporary folders left by a killed run (`<parent>/.<name>.tmp-<pid>`) are removed, and a
//!    fresh one is created: an unwritable location is found here, before any simulation.
//!
//! Every file of the run (for `compare`, every scenario's sub-folder too) is written into the
//! temporary folder. [`Folder::commit`] then swaps it in: one `rename` if the folder does not
//! exist; otherwise, on Linux, an atomic exchange of the two (`renameat2` with
//! `RENAME_EXCHANGE`), after which the earlier run, now under the temporary name, is deleted.
//! A run killed at any point leaves the folder holding the complete earlier run or the complete
//! new one, plus at most a temporary sibling that the next run into the folder removes. Where the
//! exchange is not available, the old folder is renamed aside and the new one renamed in (two
//! renames: a kill between them leaves the earlier run under the temporary name only).
//!
//! A command that writes one file (`map`) uses [`replace_file`]: the file is written under a
//! temporary sibling name (`.<name>.tmp-<pid>`), synced, and renamed over the target, so that the
//! target holds the earlier file or the new one, whole. Only a file the same command wrote is
//! replaced; a temporary file left by a killed process is removed by the next write.
//!
//! For the tests of this behaviour, `CROSSROADS_TEST_WRITE_DELAY_MS` makes the write phase pause
//! that many milliseconds after each file and after the exchange, so that a test can kill the
//! program inside that window. It has no other effect; nothing else should set it.

use std::ffi::OsString;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Files whose presence marks a folder as one crossroads wrote (`run`, `compare`, `calibrate`).
pub const MARKERS: [&str; 3] = ["manifest.json", "comparison.csv", "calibration.csv"];

/// Every file a command writes into its folder. A folder holding anything else is not replaced;
/// a command that writes a new file must add it here.
pub const OUTPUT_FILES: [&str; 11] = [
    "timeseries.csv",
    "outcomes.csv",
    "summary.csv",
    "manifest.json",
    "validation.csv",
    "validation_series.csv",
    "comparison.csv",
    "comparison_by_year.csv",
    "comparison.svg",
    "calibration.csv",
    "report.html",
];

/// Whether a scenario's name can name its output folder: letters, digits, '-', '_' and '.',
/// not hidden, at most 200 characters, and not the name of a file a command writes beside the
/// scenarios' folders (a comparison's `comparison.csv`).
pub fn plain_name(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 200
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !n.starts_with('.')
        && !OUTPUT_FILES.contains(&n)
}

/// Why an output folder cannot be claimed, written or swapped in.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// The path exists and is not something a run may replace.
    #[error("{}: {reason}; refusing to replace it (choose a new or empty folder, or remove it)", path.display())]
    NotOutput { path: PathBuf, reason: String },
    /// The path exists and is not a file a command may replace.
    #[error("{}: {reason}; refusing to replace it (choose another file name, or remove it)", path.display())]
    NotOutputFile { path: PathBuf, reason: String },
    /// The path may not be written, for the reason given (which says what to do instead).
    #[error("{}: {reason}", path.display())]
    Refused { path: PathBuf, reason: String },
    /// A folder on the way to the path is a file.
    #[error("{}: cannot be made: {} is a file, not a folder", path.display(), file.display())]
    UnderAFile { path: PathBuf, file: PathBuf },
    /// Another run holds the folder's lock.
    #[error("{}: another crossroads run is writing this folder (it holds {}); wait for it to finish or choose another --out", path.display(), lock.display())]
    Busy { path: PathBuf, lock: PathBuf },
    /// A file operation failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(io::Error) -> FolderError + use<> {
    let path = path.to_path_buf();
    move |source| FolderError::Io { what, path, source }
}

/// A claimed output folder: writes go to a temporary sibling until [`Folder::commit`].
#[derive(Debug)]
pub struct Folder {
    target: PathBuf,
    tmp: PathBuf,
    delay: Option<Duration>,
    // Dropped last: the lock outlives the clean-up of the temporary folder.
    _lock: Lock,
}

impl Folder {
    /// Claim `target` for a new run (see the module documentation).
    pub fn claim(target: &Path) -> Result<Folder, FolderError> {
        let abs = through_link(target)?;
        let (parent, name) = match (abs.parent(), abs.file_name()) {
            (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
            _ => {
                return Err(FolderError::NotOutput {
                    path: target.to_path_buf(),
                    reason: "does not name a folder by its name (like out/run1)".into(),
                });
            }
        };
        // Renames need the folder's own name, not `.` or a path relative to it.
        let target = &parent.join(&name);
        // The temporary sibling's name adds ".tmp-<pid>" and a dot: it must still be a name.
        // 255 bytes a name, less ".", ".tmp-", a pid of up to 10 digits and ".old".
        if name.len() > 235 {
            return Err(FolderError::Refused {
                path: target.to_path_buf(),
                reason: format!(
                    "has a name of {} bytes; an output folder's name may have at most 235 (the run is written beside it under a longer one first); choose a shorter --out",
                    name.len()
                ),
            });
        }
        // A scenario's folder inside a comparison is the comparison's: a run written over it
        // would leave the comparison's tables describing another run.
        let compared = parent.join("comparison.csv");
        if compared.is_file() && written_by_crossroads(&compared) {
            return Err(FolderError::Refused {
                path: target.to_path_buf(),
                reason: format!(
                    "is inside the comparison {}, whose folder only the comparison writes; run the comparison again, or choose an --out outside it",
                    parent.display()
                ),
            });
        }
        if let Some(file) = file_on_the_way(target) {
            return Err(FolderError::UnderAFile {
                path: target.to_path_buf(),
                file: file.to_path_buf(),
            });
        }
        // Refuse a foreign folder before creating anything next to it.
        replaceable(target)?;
        fs::create_dir_all(&parent).map_err(io("cannot create output folder", &parent))?;
        let lock = Lock::take(&parent.join(hidden(&name, ".lock")), target)?;
        // Under the lock: nobody else is writing, so every temporary sibling is stale.
        remove_stale(&parent, &name);
        replaceable(target)?;
        // The earlier run is deleted after the new one is swapped in: find out now, before
        // simulating, if it cannot be.
        removable(target)?;
        let tmp = parent.join(hidden(&name, &format!(".tmp-{}", std::process::id())));
        fs::create_dir(&tmp).map_err(io("cannot create output folder", &tmp))?;
        let delay = std::env::var("CROSSROADS_TEST_WRITE_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis);
        Ok(Folder {
            target: target.to_path_buf(),
            tmp,
            delay,
            _lock: lock,
        })
    }

    /// Write `bytes` as `rel` (a file name, or `sub/file`) inside the run's folder.
    pub fn write(&self, rel: impl AsRef<Path>, bytes: &[u8]) -> Result<(), FolderError> {
        let path = self.tmp.join(rel.as_ref());
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io("cannot create folder", dir))?;
        }
        let mut f = fs::File::create(&path).map_err(io("cannot write", &path))?;
        f.write_all(bytes).map_err(io("cannot write", &path))?;
        f.sync_all().map_err(io("cannot write", &path))?;
        self.pause();
        Ok(())
    }

    /// The temporary folder the run is written into, where its files can be read back before
    /// the commit (to make a report of them).
    pub fn staged(&self) -> &Path {
        &self.tmp
    }

    /// Swap the written run in place of whatever `target` held.
    pub fn commit(self) -> Result<(), FolderError> {
        // The folder may have changed since the claim: check again what is being replaced.
        replaceable(&self.target)?;
        let existed = fs::symlink_metadata(&self.target).is_ok();
        if !existed {
            fs::rename(&self.tmp, &self.target).map_err(io("cannot create", &self.target))?;
            return Ok(());
        }
        if exchange(&self.tmp, &self.target).is_err() {
            // No atomic exchange here: move the old run aside, then the new one in.
            let mut aside = self.tmp.clone().into_os_string();
            aside.push(".old");
            let aside = PathBuf::from(aside);
            fs::rename(&self.target, &aside).map_err(io("cannot replace", &self.target))?;
            fs::rename(&self.tmp, &self.target).map_err(io("cannot replace", &self.target))?;
            fs::rename(&aside, &self.tmp).map_err(io("cannot move", &aside))?;
        }
        self.pause();
        // The earlier run is now under the temporary name.
        fs::remove_dir_all(&self.tmp).map_err(io("cannot remove the earlier run", &self.tmp))?;
        Ok(())
    }

    fn pause(&self) {
        if let Some(d) = self.delay {
            std::thread::sleep(d);
        }
    }
}

impl Drop for Folder {
    /// A run that fails before its commit removes what it wrote (the target is untouched); after
    /// a commit, whatever is left of the earlier run goes.
    fn drop(&mut self) {
        if self.tmp.exists() {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// The lock of an output folder, held while a command other than a run writes into it (a
/// report), so that no run swaps the folder meanwhile.
#[derive(Debug)]
pub struct FolderLock {
    _lock: Lock,
}

/// Take the lock of the output folder `target` without waiting, as a run does; another run
/// writing the folder makes this fail with [`FolderError::Busy`].
pub fn lock(target: &Path) -> Result<FolderLock, FolderError> {
    let abs = through_link(target)?;
    let (Some(parent), Some(name)) = (abs.parent(), abs.file_name()) else {
        return Err(FolderError::NotOutput {
            path: target.to_path_buf(),
            reason: "does not name a folder by its name (like out/run1)".into(),
        });
    };
    Ok(FolderLock {
        _lock: Lock::take(&parent.join(hidden(name, ".lock")), target)?,
    })
}

/// Write `bytes` as the file `target`, whole: into a temporary sibling `.<name>.tmp-<pid>`,
/// synced, then renamed over `target` (missing folders are created). An existing `target` is
/// replaced only if it is a regular file for which `ours` says yes (`what` names such a file in
/// the error); anything else is refused before anything is written.
pub fn replace_file(
    target: &Path,
    bytes: &[u8],
    what: &str,
    ours: impl Fn(&[u8]) -> bool,
) -> Result<(), FolderError> {
    let abs = std::path::absolute(target).map_err(io("cannot resolve", target))?;
    let (parent, name) = match (abs.parent(), abs.file_name()) {
        (Some(p), Some(n)) => (p.to_path_buf(), n.to_os_string()),
        _ => {
            return Err(FolderError::NotOutputFile {
                path: target.to_path_buf(),
                reason: "does not name a file (like docs/routes.svg)".into(),
            });
        }
    };
    let full = parent.join(&name);
    if let Some(file) = file_on_the_way(&full) {
        return Err(FolderError::UnderAFile {
            path: target.to_path_buf(),
            file: file.to_path_buf(),
        });
    }
    replaceable_file(&full, target, what, &ours)?;
    fs::create_dir_all(&parent).map_err(io("cannot create folder", &parent))?;
    remove_stale_files(&parent, &name);
    let tmp = parent.join(hidden(&name, &format!(".tmp-{}", std::process::id())));
    let written = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    let result = written
        .map_err(io("cannot write", &tmp))
        // The target may have changed meanwhile: check again what is being replaced.
        .and_then(|()| replaceable_file(&full, target, what, &ours))
        .and_then(|()| fs::rename(&tmp, &full).map_err(io("cannot write", target)));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Whether a command may replace the file `path` (shown as `shown`): absent, or a regular file
/// of at most 64 MiB that `ours` accepts.
fn replaceable_file(
    path: &Path,
    shown: &Path,
    what: &str,
    ours: &impl Fn(&[u8]) -> bool,
) -> Result<(), FolderError> {
    let refuse = |reason: String| FolderError::NotOutputFile {
        path: shown.to_path_buf(),
        reason,
    };
    let meta = match fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("cannot read", shown)(e)),
    };
    if meta.is_dir() {
        return Err(refuse("is a folder, not a file".into()));
    }
    if !meta.is_file() {
        return Err(refuse(
            "is not a regular file (a link, a device or a pipe)".into(),
        ));
    }
    let small = meta.len() <= 64 << 20;
    if small && ours(&fs::read(path).map_err(io("cannot read", shown))?) {
        Ok(())
    } else {
        Err(refuse(format!("is not {what} crossroads wrote")))
    }
}

/// The entries of `parent` named `.<name>.tmp-<rest>`, with their `<rest>`: what a killed write
/// may have left beside its target.
fn temp_leftovers(parent: &Path, name: &std::ffi::OsStr) -> Vec<(fs::DirEntry, String)> {
    let prefix = hidden(name, ".tmp-").to_string_lossy().into_owned();
    let Ok(entries) = fs::read_dir(parent) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|e| {
            let rest = e
                .file_name()
                .to_string_lossy()
                .strip_prefix(&prefix)?
                .to_string();
            Some((e, rest))
        })
        .collect()
}

/// Remove `<parent>/.<name>.tmp-<pid>` files whose process is gone: left by a killed write.
fn remove_stale_files(parent: &Path, name: &std::ffi::OsStr) {
    for (e, rest) in temp_leftovers(parent, name) {
        let pid = Some(rest.as_str())
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|rest| rest.parse::<u32>().ok());
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if let Some(pid) = pid
            && is_file
            && pid != std::process::id()
            && !alive(pid)
        {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Whether a process is running (where that cannot be told, it is taken to be).
#[cfg(unix)]
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return true;
    };
    if pid <= 0 {
        return true;
    }
    // SAFETY: signal 0 only checks that the process exists; nothing is sent.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn alive(_: u32) -> bool {
    true
}

/// `.<name><suffix>`.
fn hidden(name: &std::ffi::OsStr, suffix: &str) -> OsString {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(suffix);
    s
}

/// `target` made absolute, and, when it is a symbolic link, the folder it points to: the run is
/// written there, where the user's link leads, and the link is left as it is. A link that leads
/// nowhere is refused.
/// `link/` (as a shell completes it) is the same link as `link`. Every command that writes or
/// locks an output folder finds it through this, so that they take the same lock.
pub fn through_link(target: &Path) -> Result<PathBuf, FolderError> {
    let abs = std::path::absolute(target).map_err(io("cannot resolve", target))?;
    // The entry itself: a trailing slash would make the look below follow the link.
    let abs = match (abs.parent(), abs.file_name()) {
        (Some(p), Some(n)) => p.join(n),
        _ => abs,
    };
    let is_link = fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(abs);
    }
    fs::canonicalize(&abs).map_err(|e| FolderError::NotOutput {
        path: target.to_path_buf(),
        reason: format!(
            "is a link to {}, which cannot be followed ({e})",
            fs::read_link(&abs)
                .map(|l| l.display().to_string())
                .unwrap_or_else(|_| "nothing".into())
        ),
    })
}

/// Whether the folder `path`, if it exists, can be deleted with everything in it (each folder
/// in it writable): otherwise the new run would be swapped in and the earlier one left behind
/// under a hidden name.
fn removable(path: &Path) -> Result<(), FolderError> {
    removable_if(path, &writable)
}

/// [`removable`], with `writable` saying which folders this process may empty.
fn removable_if(path: &Path, writable: &dyn Fn(&Path) -> bool) -> Result<(), FolderError> {
    fn check(dir: &Path, writable: &dyn Fn(&Path) -> bool) -> Result<(), PathBuf> {
        let Ok(meta) = fs::symlink_metadata(dir) else {
            return Ok(());
        };
        if !meta.is_dir() {
            return Ok(());
        }
        // Emptying a folder needs its write permission; removing it, only its parent's.
        let mut entries = fs::read_dir(dir).map_err(|_| dir.to_path_buf())?.peekable();
        if entries.peek().is_some() && !writable(dir) {
            return Err(dir.to_path_buf());
        }
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                check(&entry.path(), writable)?;
            }
        }
        Ok(())
    }
    check(path, writable).map_err(|dir| FolderError::Io {
        what: "cannot delete the earlier run in",
        path: dir,
        source: io::ErrorKind::PermissionDenied.into(),
    })
}

/// Whether this process may create and delete entries in the folder `dir`.
fn writable(dir: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
            return false;
        };
        // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
        unsafe { libc::access(c.as_ptr(), libc::W_OK | libc::X_OK) == 0 }
    }
    #[cfg(not(unix))]
    {
        fs::metadata(dir).is_ok_and(|m| !m.permissions().readonly())
    }
}

/// Whether `bytes` are a report page crossroads wrote (only such a `report.html` is replaced,
/// by `report` or with its folder by a run).
pub fn is_report(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let mark = format!(
        "<meta name=\"generator\" content=\"{}\">",
        crate::report::GENERATOR
    );
    head.windows(mark.len()).any(|w| w == mark.as_bytes())
}

/// Whether a run may replace `path`: absent, an empty folder, or a folder crossroads wrote.
fn replaceable(path: &Path) -> Result<(), FolderError> {
    let meta = match fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io("cannot read", path)(e)),
    };
    if !meta.is_dir() {
        return Err(FolderError::NotOutput {
            path: path.to_path_buf(),
            reason: "is a file, not a folder".into(),
        });
    }
    let mut entries = fs::read_dir(path).map_err(io("cannot read", path))?;
    if entries.next().is_none() {
        return Ok(());
    }
    output_folder(path, 1).map_err(|reason| FolderError::NotOutput {
        path: path.to_path_buf(),
        reason,
    })
}

/// Whether `dir` is a folder crossroads wrote: it holds a marker, every file in it is one a
/// command writes, a `manifest.json` says crossroads wrote it, and each sub-folder (at most
/// `depth` levels: a comparison's scenarios) is one too. Otherwise, why not.
fn output_folder(dir: &Path, depth: usize) -> Result<(), String> {
    if dir.join("sweep.json").is_file() {
        return Err(
            "is a sweep's folder (it holds sweep.json), which only `crossroads sweep` writes"
                .into(),
        );
    }
    if !MARKERS.iter().any(|m| dir.join(m).is_file()) {
        return Err(format!(
            "is not a crossroads output folder (it holds none of {})",
            MARKERS.join(", ")
        ));
    }
    // A marker counts only as crossroads writes it: a file of the same name someone else made
    // (an empty calibration.csv, say) must not let the folder's other files be replaced.
    for m in MARKERS {
        let file = dir.join(m);
        if file.is_file() && !written_by_crossroads(&file) {
            return Err(format!("{} was not written by crossroads", file.display()));
        }
    }
    for entry in fs::read_dir(dir).map_err(|e| format!("cannot read it: {e}"))? {
        let entry = entry.map_err(|e| format!("cannot read it: {e}"))?;
        let name = entry.file_name();
        let kind = entry
            .file_type()
            .map_err(|e| format!("cannot read it: {e}"))?;
        let known = name
            .to_str()
            .is_some_and(|n| OUTPUT_FILES.contains(&n) || leftover_of_output_file(n));
        if kind.is_file() && known {
            // A page of one's own notes named report.html goes with the folder only if
            // crossroads wrote it, as `report` itself replaces only its own.
            if name == "report.html" && !fs::read(entry.path()).is_ok_and(|b| is_report(&b)) {
                return Err(format!(
                    "holds {}, which is not a report crossroads wrote",
                    entry.path().display()
                ));
            }
            continue;
        }
        if kind.is_dir() && depth > 0 {
            output_folder(&entry.path(), depth - 1)
                .map_err(|why| format!("holds {} that {why}", entry.path().display()))?;
            continue;
        }
        return Err(format!(
            "holds {}, which no crossroads command writes",
            entry.path().display()
        ));
    }
    Ok(())
}

/// Whether `name` is `.<output file>.tmp-<pid>`: what a killed [`replace_file`] of a file
/// inside an output folder (a report) leaves; it goes with the folder.
fn leftover_of_output_file(name: &str) -> bool {
    let Some(rest) = name.strip_prefix('.') else {
        return false;
    };
    OUTPUT_FILES.iter().any(|f| {
        rest.strip_prefix(f)
            .and_then(|r| r.strip_prefix(".tmp-"))
            .is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Whether a marker file is one crossroads wrote: a `manifest.json` that says
/// `"program": "crossroads"`, a `comparison.csv` or `calibration.csv` that starts with the
/// header crossroads writes.
fn written_by_crossroads(file: &Path) -> bool {
    let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name != "manifest.json" {
        let header = match name {
            "comparison.csv" => COMPARISON_HEADER,
            _ => CALIBRATION_HEADER,
        };
        let mut head = [0u8; 128];
        let n = fs::File::open(file)
            .and_then(|mut f| io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        return head[..n].starts_with(header.as_bytes());
    }
    fs::metadata(file).is_ok_and(|m| m.len() <= 64 << 20)
        && fs::read(file)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .is_some_and(|v| v.get("program").and_then(|p| p.as_str()) == Some("crossroads"))
}

/// How the comparison.csv and calibration.csv crossroads writes begin (the columns that every
/// version has written; a calibration's parameter columns follow).
pub(crate) const COMPARISON_HEADER: &str = "scenario,metric,by,level,";
pub(crate) const CALIBRATION_HEADER: &str = "rank,point,score,targets_met,";

/// The first of `path`'s folders that is a file, if any: then nothing can be made under it.
pub fn file_on_the_way(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .skip(1)
        .find(|a| a.is_file())
        .map(Path::to_path_buf)
}

/// Remove `<parent>/.<name>.tmp-<pid>` (and `.old`) folders: left by a run that was killed.
fn remove_stale(parent: &Path, name: &std::ffi::OsStr) {
    for (e, rest) in temp_leftovers(parent, name) {
        let pid = rest.strip_suffix(".old").unwrap_or(&rest);
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Exchange two paths atomically (Linux).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let ca = CString::new(a.as_os_str().as_bytes())?;
    let cb = CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths that live across the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// An advisory lock held on a file for as long as this lives (and no longer than the process).
/// On release the file is removed; a run that finds the file replaced after locking it (the
/// previous holder removed it meanwhile) locks the new one instead.
#[derive(Debug)]
struct Lock {
    path: PathBuf,
    file: fs::File,
}

impl Lock {
    fn take(path: &Path, target: &Path) -> Result<Lock, FolderError> {
        loop {
            let file = fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(path)
                .map_err(io("cannot create the lock file", path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(fs::TryLockError::WouldBlock) => {
                    return Err(FolderError::Busy {
                        path: target.to_path_buf(),
                        lock: path.to_path_buf(),
                    });
                }
                Err(fs::TryLockError::Error(e)) => return Err(io("cannot lock", path)(e)),
            }
            if same_file(&file, path) {
                return Ok(Lock {
                    path: path.to_path_buf(),
                    file,
                });
            }
        }
    }
}

#[cfg(unix)]
fn same_file(file: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &fs::File, _: &Path) -> bool {
    true
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still locked, so that no other run can hold a lock on this file.
        if cfg!(unix) {
            let _ = fs::remove_file(&self.path);
        }
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A run through a link, however the link is written (`link`, `link/`), and a report of the
    /// same folder take one lock: the report cannot land in a folder being replaced.
    #[cfg(unix)]
    #[test]
    fn a_link_and_its_folder_share_one_lock() {
        let tmp = tempfile::TempDir::new().unwrap();
        let real = tmp.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = tmp.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut slashed = link.clone().into_os_string();
        slashed.push("/");
        let run = Folder::claim(Path::new(&slashed)).unwrap();
        for other in [link.as_path(), real.as_path(), Path::new(&slashed)] {
            assert!(
                matches!(lock(other), Err(FolderError::Busy { .. })),
                "{} while the run holds the folder",
                other.display()
            );
        }
        run.commit().unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(lock(&link).is_ok());
    }

    /// `writable` says what this process can do, whoever runs it: root may write into a
    /// folder of mode 555, anyone else may not.
    #[cfg(unix)]
    #[test]
    fn writable_says_whether_an_entry_can_be_made() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path().join("ro");
        fs::create_dir(&dir).unwrap();
        assert!(writable(&dir));
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
        let can = fs::File::create(dir.join("x")).is_ok();
        assert_eq!(writable(&dir), can);
        assert_eq!(removable(tmp.path()).is_ok(), can);
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        assert!(removable(tmp.path()).is_ok());
    }

    /// An earlier run is removable when every folder in it that holds something may be
    /// emptied; an empty folder needs only its parent's permission. (Told which folders may be
    /// emptied, so that the rule is checked whoever runs the test, root included.)
    #[test]
    fn an_earlier_run_with_a_folder_that_cannot_be_emptied_is_not_removable() {
        let tmp = tempfile::TempDir::new().unwrap();
        let sub = tmp.path().join("scenario");
        fs::create_dir(&sub).unwrap();
        let locked = |d: &Path| d != sub.as_path();
        assert!(removable_if(tmp.path(), &locked).is_ok(), "an empty folder");
        fs::write(sub.join("outcomes.csv"), "x").unwrap();
        let err = removable_if(tmp.path(), &locked).unwrap_err();
        assert!(
            matches!(&err, FolderError::Io { path, .. } if path == &sub),
            "{err}"
        );
        assert!(removable_if(tmp.path(), &|_| true).is_ok());
    }

    const MANIFEST: &[u8] = br#"{"program": "crossroads"}"#;
    const COMPARISON: &[u8] = b"scenario,metric,by,level,period,baseline_mean,scenario_mean,diff_mean,diff_ci_low,diff_ci_high,relative_change\n";

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_new_folder_is_created_whole_and_nothing_is_left_beside_it() {
        let tmp = tempfile::TempDir::new().unwrap();
        let out = tmp.path().join("out");
        let f = Folder::claim(&out).unwrap();
        f.write("a.csv", b"1").unwrap();
        f.write("sub/b.csv", b"2").unwrap();
        assert!(!out.exists(), "nothing is visible before the commit");
        f.commit().unwrap();
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(names(&out), ["a.csv", "sub"]);
        assert_eq!(fs::read(out.join("sub/b.csv")).unwrap(), b"2");
    }

    #[test]
    fn an_earlier_run_is_replaced_not_merged() {
        let tmp = tempfile::TempDir::new().unwrap();
        let out = tmp.path().join("out");
        let f = Folder::claim(&out).unwrap();
        f.write("manifest.json", MANIFEST).unwrap();
        f.write("validation.csv", b"old").unwrap();
        f.commit().unwrap();
        let f = Folder::claim(&out).unwrap();
        f.write("manifest.json", MANIFEST).unwrap();
        f.commit().unwrap();
        assert_eq!(names(&out), ["manifest.json"]);
        assert_eq!(names(tmp.path()), ["out"]);
    }

    #[test]
    fn a_failed_run_leaves_the_target_untouched() {
        let tmp = tempfile::TempDir::new().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(out.join("manifest.json"), MANIFEST).unwrap();
        let f = Folder::claim(&out).unwrap();
        f.write("manifest.json", b"new").unwrap();
        drop(f);
        assert_eq!(names(tmp.path()), ["out"]);
        assert_eq!(fs::read(out.join("manifest.json")).unwrap(), MANIFEST);
    }

    #[test]
    fn a_foreign_folder_or_file_is_refused() {
        let tmp = tempfile::TempDir::new().unwrap();
        let mine = tmp.path().join("mine");
        fs::create_dir(&mine).unwrap();
        fs::write(mine.join("notes.txt"), "keep").unwrap();
        assert!(matches!(
            Folder::claim(&mine),
            Err(FolderError::NotOutput { .. })
        ));
        let file = tmp.path().join("file");
        fs::write(&file, "keep").unwrap();
        assert!(matches!(
            Folder::claim(&file),
            Err(FolderError::NotOutput { .. })
        ));
        assert_eq!(names(tmp.path()), ["file", "mine"]);
    }

    /// A folder that holds a file of a crossroads name is still not crossroads' own: a manifest
    /// another program wrote, or a user's file beside a real manifest, or in a sub-folder.
    #[test]
    fn a_folder_is_replaced_only_if_everything_in_it_is_crossroads_output() {
        let tmp = tempfile::TempDir::new().unwrap();
        let refused = |files: &[(&str, &[u8])]| {
            let dir = tmp.path().join(format!("d{}", names(tmp.path()).len()));
            for (name, bytes) in files {
                let p = dir.join(name);
                fs::create_dir_all(p.parent().unwrap()).unwrap();
                fs::write(p, bytes).unwrap();
            }
            let r = Folder::claim(&dir);
            assert!(matches!(r, Err(FolderError::NotOutput { .. })), "{files:?}");
            for (name, bytes) in files {
                assert_eq!(fs::read(dir.join(name)).unwrap(), *bytes);
            }
        };
        refused(&[("manifest.json", br#"{"name":"my-web-app"}"#)]);
        refused(&[("manifest.json", b"not json")]);
        refused(&[("manifest.json", MANIFEST), ("thesis.txt", b"draft")]);
        refused(&[("calibration.csv", b"x"), ("keep.txt", b"k")]);
        refused(&[
            ("comparison.csv", COMPARISON),
            ("baseline/manifest.json", MANIFEST),
            ("baseline/notes.md", b"n"),
        ]);
        // A marker of the right name that crossroads did not write does not make the user's
        // files beside it crossroads output, even when they have crossroads names.
        refused(&[("calibration.csv", b""), ("outcomes.csv", b"precious")]);
        refused(&[("comparison.csv", b"a,b\n1,2\n"), ("summary.csv", b"mine")]);
        refused(&[("manifest.json", MANIFEST), ("calibration.csv", b"rank\n")]);
        // A comparison's folder, with its scenarios' folders, is crossroads'.
        let ok = tmp.path().join("cmp");
        fs::create_dir_all(ok.join("baseline")).unwrap();
        fs::write(ok.join("comparison.csv"), COMPARISON).unwrap();
        fs::write(ok.join("baseline/manifest.json"), MANIFEST).unwrap();
        fs::write(ok.join("baseline/outcomes.csv"), "x").unwrap();
        assert!(Folder::claim(&ok).is_ok());
        // A report, and what a killed write of one leaves beside it, belong to the folder; a
        // hidden file of another name does not.
        fs::write(ok.join("report.html"), "x").unwrap();
        assert!(
            Folder::claim(&ok).is_err(),
            "a report.html crossroads did not write"
        );
        let page = format!(
            "<html><head><meta name=\"generator\" content=\"{}\"></head></html>",
            crate::report::GENERATOR
        );
        fs::write(ok.join("report.html"), page).unwrap();
        fs::write(ok.join(".report.html.tmp-999999999"), "half").unwrap();
        assert!(Folder::claim(&ok).is_ok());
        refused(&[("manifest.json", MANIFEST), (".notes.tmp-1", b"n")]);
        refused(&[("manifest.json", MANIFEST), (".report.html.tmp-x", b"n")]);
    }

    #[test]
    fn a_folder_lock_keeps_runs_out_while_it_is_held() {
        let tmp = tempfile::TempDir::new().unwrap();
        let out = tmp.path().join("out");
        let held = lock(&out).unwrap();
        assert!(matches!(Folder::claim(&out), Err(FolderError::Busy { .. })));
        assert!(matches!(lock(&out), Err(FolderError::Busy { .. })));
        drop(held);
        Folder::claim(&out).unwrap().commit().unwrap();
    }

    #[test]
    fn a_file_is_replaced_whole_and_only_if_it_is_ours() {
        let tmp = tempfile::TempDir::new().unwrap();
        let ours = |b: &[u8]| b.starts_with(b"<mine");
        let out = tmp.path().join("sub/pic.svg");
        // A leftover of a killed write (no such process) goes; nothing else is left beside it.
        fs::create_dir_all(tmp.path().join("sub")).unwrap();
        fs::write(tmp.path().join("sub/.pic.svg.tmp-999999999"), "half").unwrap();
        replace_file(&out, b"<mine 1", "a picture", ours).unwrap();
        replace_file(&out, b"<mine 2", "a picture", ours).unwrap();
        assert_eq!(fs::read(&out).unwrap(), b"<mine 2");
        assert_eq!(names(&tmp.path().join("sub")), ["pic.svg"]);
        // Someone else's file, a folder, and no file name at all are refused, untouched.
        let notes = tmp.path().join("notes.svg");
        fs::write(&notes, "keep").unwrap();
        let e = replace_file(&notes, b"<mine", "a picture", ours).unwrap_err();
        assert!(matches!(e, FolderError::NotOutputFile { .. }), "{e}");
        assert!(
            e.to_string().contains("is not a picture crossroads wrote"),
            "{e}"
        );
        assert_eq!(fs::read(&notes).unwrap(), b"keep");
        let e = replace_file(tmp.path(), b"<mine", "a picture", ours).unwrap_err();
        assert!(matches!(e, FolderError::NotOutputFile { .. }), "{e}");
        let e = replace_file(Path::new(".."), b"<mine", "a picture", ours).unwrap_err();
        assert!(matches!(e, FolderError::NotOutputFile { .. }), "{e}");
        assert_eq!(names(tmp.path()), ["notes.svg", "sub"]);
    }

    #[test]
    fn a_held_lock_refuses_a_second_claim_and_stale_folders_go() {
        let tmp = tempfile::TempDir::new().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir(tmp.path().join(".out.tmp-999999999")).unwrap();
        fs::create_dir(tmp.path().join(".other.tmp-1")).unwrap();
        let first = Folder::claim(&out).unwrap();
        assert!(!tmp.path().join(".out.tmp-999999999").exists());
        assert!(tmp.path().join(".other.tmp-1").exists());
        assert!(matches!(Folder::claim(&out), Err(FolderError::Busy { .. })));
        drop(first);
        let again = Folder::claim(&out).unwrap();
        again.commit().unwrap();
        assert_eq!(names(tmp.path()), [".other.tmp-1", "out"]);
    }
}
