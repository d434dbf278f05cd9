//! Records the git commit the program is built from (`CROSSROADS_COMMIT`, "unknown" outside a
//! git checkout), so that manifests, sweep plans and reports can say which code made them.

use std::path::Path;
use std::process::Command;

fn main() {
    let commit = Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "unknown".into());
    let dirty = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=no"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .is_some_and(|o| !o.stdout.is_empty());
    let stamp = if dirty && commit != "unknown" {
        format!("{commit}+changes")
    } else {
        commit
    };
    println!("cargo:rustc-env=CROSSROADS_COMMIT={stamp}");
    // Build again when HEAD moves or the branch it names gets a new commit.
    let head = Path::new(".git/HEAD");
    if head.exists() {
        println!("cargo:rerun-if-changed=.git/HEAD");
        if let Ok(text) = std::fs::read_to_string(head)
            && let Some(r) = text.strip_prefix("ref: ")
        {
            println!("cargo:rerun-if-changed=.git/{}", r.trim());
        }
        println!("cargo:rerun-if-changed=.git/index");
    }
    // And when the sources change, so that a build of edited code is stamped `+changes` (a
    // folder is watched whole).
    for path in ["build.rs", "Cargo.toml", "src", "crates"] {
        println!("cargo:rerun-if-changed={path}");
    }
}
