//! `crossroads sweep CONFIG --slurm`: the scripts that run a sweep on a Slurm cluster. An
//! array job runs one shard per task (`--shard I/N`), and a merge job, dependent on the whole
//! array finishing well, writes the tables. Nothing here talks to Slurm: the scripts are written
//! into `<out>/slurm/`, and the command to submit them is printed.

use super::sweep::Plan;
use super::{Error, RunOptions};
use std::fs;
use std::path::Path;

/// Resources of each array task, and how many tasks.
#[derive(Clone, Debug)]
pub struct SlurmOptions {
    /// Array tasks, one shard each.
    pub shards: u32,
    pub cpus_per_task: u32,
    /// `--time` of each task (Slurm's forms: `MM`, `HH:MM:SS`, `D-HH`, ...).
    pub time: String,
    /// `--mem` of each task (e.g. `4G`), if given.
    pub mem: Option<String>,
    pub partition: Option<String>,
    pub account: Option<String>,
}

impl Default for SlurmOptions {
    fn default() -> SlurmOptions {
        SlurmOptions {
            shards: 8,
            cpus_per_task: 2,
            time: "02:00:00".into(),
            mem: None,
            partition: None,
            account: None,
        }
    }
}

impl SlurmOptions {
    /// What is wrong with the options, before anything is written: counts of at least 1, a
    /// time and a memory in the forms `sbatch` takes, names of one word.
    pub fn check(&self) -> Result<(), Error> {
        for (flag, n) in [
            ("--shards", self.shards),
            ("--slurm-cpus", self.cpus_per_task),
        ] {
            if n == 0 {
                return Err(Error::Input(format!("{flag} 0: must be at least 1")));
            }
        }
        if !slurm_time(&self.time) {
            return Err(Error::Input(format!(
                "--slurm-time {:?}: must be a time limit as sbatch takes it: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS or UNLIMITED",
                self.time
            )));
        }
        if let Some(m) = &self.mem
            && !slurm_mem(m)
        {
            return Err(Error::Input(format!(
                "--slurm-mem {m:?}: must be a whole number with an optional unit K, M, G or T (megabytes without one), e.g. 4G"
            )));
        }
        if let Some(p) = &self.partition {
            plain("--slurm-partition", p)?;
        }
        if let Some(a) = &self.account {
            plain("--slurm-account", a)?;
        }
        Ok(())
    }
}

/// Whether `t` is a time limit in one of sbatch's forms.
fn slurm_time(t: &str) -> bool {
    if ["unlimited", "infinite"].contains(&t.to_ascii_lowercase().as_str()) {
        return true;
    }
    let digits = |x: &str| !x.is_empty() && x.len() <= 9 && x.bytes().all(|b| b.is_ascii_digit());
    let (days, rest) = match t.split_once('-') {
        Some((d, r)) => (Some(d), r),
        None => (None, t),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    // MM, MM:SS, HH:MM:SS; with days, D-HH, D-HH:MM, D-HH:MM:SS.
    days.is_none_or(digits) && parts.len() <= 3 && parts.iter().all(|p| digits(p))
}

/// Whether `m` is a memory size as sbatch's `--mem` takes it.
fn slurm_mem(m: &str) -> bool {
    let number = m.trim_end_matches(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't']);
    m.len() - number.len() <= 1
        && !number.is_empty()
        && number.len() <= 12
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// A word for a POSIX shell, single-quoted.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A value that goes into an `#SBATCH` line: no spaces, quotes or newlines.
fn plain(flag: &str, v: &str) -> Result<String, Error> {
    if v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || "'\"\\#$`".contains(c))
    {
        return Err(Error::Input(format!(
            "{flag} {v:?}: must be one word without spaces or quotes"
        )));
    }
    Ok(v.to_string())
}

/// The array script, the merge script and the submit script, as (file name, text).
pub fn scripts(
    exe: &Path,
    config: &Path,
    out: &Path,
    plan: &Plan,
    o: &RunOptions,
    s: &SlurmOptions,
) -> Result<Vec<(&'static str, String)>, Error> {
    s.check()?;
    let shards = s.shards.min(plan.points as u32).max(1);
    let name = format!(
        "crossroads-{}",
        out.file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "sweep".into())
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            c
        } else {
            '_'
        }
    })
    .collect::<String>();
    let mut common = vec![format!(
        "#SBATCH --time={}",
        plain("--slurm-time", &s.time)?
    )];
    if let Some(m) = &s.mem {
        common.push(format!("#SBATCH --mem={}", plain("--slurm-mem", m)?));
    }
    if let Some(p) = &s.partition {
        common.push(format!(
            "#SBATCH --partition={}",
            plain("--slurm-partition", p)?
        ));
    }
    if let Some(a) = &s.account {
        common.push(format!(
            "#SBATCH --account={}",
            plain("--slurm-account", a)?
        ));
    }
    let logs = out.join("slurm").join("logs");
    let exe_q = quote(&exe.display().to_string());
    let out_q = quote(&out.display().to_string());
    // The options that decide the results go to every task, as given here.
    let mut args = vec![
        quote(&config.display().to_string()),
        "--out".into(),
        out_q.clone(),
    ];
    for (flag, v) in [
        ("--seed", o.seed.map(|v| v.to_string())),
        ("--replicates", o.replicates.map(|v| v.to_string())),
        ("--agents", o.agents.map(|v| v.to_string())),
        ("--months", o.months.map(|v| v.to_string())),
    ] {
        if let Some(v) = v {
            args.push(flag.into());
            args.push(v);
        }
    }
    for set in &o.sets {
        args.push("--set".into());
        args.push(quote(set));
    }
    let array = format!(
        "#!/usr/bin/env bash
# One shard of the sweep {sweep} per array task ({points} points in {shards} shards).
#SBATCH --job-name={name}
#SBATCH --array=1-{shards}
#SBATCH --cpus-per-task={cpus}
{common}
#SBATCH --output={logs}/shard-%a.out
set -euo pipefail
exec {exe_q} sweep {args} --shard \"${{SLURM_ARRAY_TASK_ID}}/{shards}\" --threads \"${{SLURM_CPUS_PER_TASK:-{cpus}}}\" --quiet
",
        sweep = plan.sweep,
        points = plan.points,
        cpus = s.cpus_per_task,
        common = common.join("\n"),
        logs = logs.display(),
        args = args.join(" "),
    );
    let merge = format!(
        "#!/usr/bin/env bash
# Merges the shards of the sweep {sweep} once every array task has finished well.
#SBATCH --job-name={name}-merge
#SBATCH --cpus-per-task=1
{common}
#SBATCH --output={logs}/merge.out
set -euo pipefail
exec {exe_q} sweep merge {out_q}
",
        sweep = plan.sweep,
        common = common.join("\n"),
        logs = logs.display(),
    );
    let slurm = out.join("slurm");
    let submit = format!(
        "#!/usr/bin/env bash
# Submits the sweep's array job, then its merge job to run after every task succeeded.
set -euo pipefail
array=$(sbatch --parsable {array_q})
array=${{array%%;*}}
merge=$(sbatch --parsable --dependency=afterok:\"$array\" {merge_q})
merge=${{merge%%;*}}
echo \"array job $array ({shards} tasks), merge job $merge\"
echo \"$array $merge\" > {jobs_q}
",
        array_q = quote(&slurm.join("array.sbatch").display().to_string()),
        merge_q = quote(&slurm.join("merge.sbatch").display().to_string()),
        jobs_q = quote(&slurm.join("jobs").display().to_string()),
    );
    Ok(vec![
        ("array.sbatch", array),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ])
}

/// Write the scripts into `<out>/slurm/` and say how to submit them.
pub fn write(
    out: &Path,
    config: &Path,
    plan: &Plan,
    o: &RunOptions,
    s: &SlurmOptions,
) -> Result<Vec<String>, Error> {
    let abs = |p: &Path| {
        std::path::absolute(p)
            .map_err(|e| Error::Other(format!("{}: cannot resolve: {e}", p.display())))
    };
    let exe = std::env::current_exe()
        .map_err(|e| Error::Other(format!("cannot find this program's path: {e}")))?;
    let (config, out) = (abs(config)?, abs(out)?);
    let files = scripts(&exe, &config, &out, plan, o, s)?;
    let dir = out.join("slurm");
    fs::create_dir_all(dir.join("logs"))
        .map_err(|e| Error::Other(format!("{}: cannot create: {e}", dir.display())))?;
    for (name, text) in &files {
        let path = dir.join(name);
        fs::write(&path, text)
            .map_err(|e| Error::Other(format!("{}: cannot write: {e}", path.display())))?;
    }
    let submit = dir.join("submit.sh");
    let shards = s.shards.min(plan.points as u32).max(1);
    Ok(vec![
        format!(
            "wrote {} (an array of {shards} shards) and {}; submit both with:",
            dir.join("array.sbatch").display(),
            dir.join("merge.sbatch").display()
        ),
        format!("  bash {}", quote(&submit.display().to_string())),
        format!(
            "  (that is: sbatch --parsable array.sbatch, then sbatch --dependency=afterok:<array job> merge.sbatch; the tables appear in {})",
            out.display()
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_memory_are_taken_in_sbatch_forms_only() {
        for t in [
            "90",
            "30:00",
            "02:00:00",
            "1-12",
            "1-12:30",
            "2-00:00:00",
            "UNLIMITED",
        ] {
            assert!(slurm_time(t), "{t}");
        }
        for t in ["forever", "", "1:2:3:4", "-3", "1-", "1h", "1-2-3", "12:"] {
            assert!(!slurm_time(t), "{t}");
        }
        for m in ["4G", "4000", "512M", "1t", "0"] {
            assert!(slurm_mem(m), "{m}");
        }
        for m in ["lots", "", "G", "4GB", "4.5G", "-1G"] {
            assert!(!slurm_mem(m), "{m}");
        }
        let bad = SlurmOptions {
            time: "forever".into(),
            ..SlurmOptions::default()
        };
        assert!(
            bad.check()
                .unwrap_err()
                .to_string()
                .contains("--slurm-time")
        );
    }

    #[test]
    fn words_are_quoted_for_the_shell() {
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert!(plain("--slurm-time", "1:00:00").is_ok());
        assert!(plain("--slurm-mem", "4G; rm -rf /").is_err());
    }
}
