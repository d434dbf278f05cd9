//! Helpers shared by the end-to-end tests: run the real `crossroads` binary on a scenario in a
//! temporary folder, and read what it wrote (outcomes.csv as metric → values per replicate,
//! summary.csv, timeseries.csv rows, manifest.json). Also scenario files derived from the
//! fixture by text edits, and the comparison used by the mechanism tests: a difference between two
//! runs on the same seed that must be far beyond sampling noise.

#![allow(dead_code)]

use assert_cmd::Command;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// A `Name:   123 kB` line of /proc/meminfo (`MemTotal:`, `MemAvailable:`), in bytes.
pub fn meminfo(name: &str) -> u64 {
    let info = fs::read_to_string("/proc/meminfo").expect("/proc/meminfo");
    let line = info
        .lines()
        .find(|l| l.starts_with(name))
        .unwrap_or_else(|| panic!("/proc/meminfo has no {name}"));
    line.split_whitespace()
        .nth(1)
        .and_then(|kb| kb.parse::<u64>().ok())
        .expect("a number of kB")
        * 1024
}

/// The small, complete scenario of the end-to-end tests.
pub fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small.toml")
}

pub fn fixture_text() -> String {
    fs::read_to_string(fixture()).expect("read tests/fixtures/small.toml")
}

/// The `crossroads` binary, as a command.
pub fn crossroads() -> Command {
    Command::cargo_bin("crossroads").expect("the crossroads binary is built")
}

/// The output of a process, as text.
pub struct Ran {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run `crossroads` with `args` in `cwd` (so that a forgotten `--out` cannot litter the repo).
pub fn run_in(cwd: &Path, args: &[&str]) -> Ran {
    let out = crossroads()
        .current_dir(cwd)
        .args(args)
        .output()
        .expect("spawn crossroads");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `crossroads compare` of `scenarios` (the baseline first) with `options`, writing into
/// `cwd/cmp`; requires success and returns that folder.
pub fn compare_ok(cwd: &Path, scenarios: &[PathBuf], options: &[&str]) -> PathBuf {
    let out = cwd.join("cmp");
    let mut args: Vec<String> = vec!["compare".into()];
    args.extend(scenarios.iter().map(|p| p.display().to_string()));
    args.extend(options.iter().map(|o| o.to_string()));
    args.extend(["--quiet".into(), "--out".into(), out.display().to_string()]);
    let r = run_in(cwd, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(
        r.code,
        Some(0),
        "crossroads {} failed: {}",
        args.join(" "),
        r.stderr
    );
    out
}

/// A run of the program: scenario, options and `--set` overrides.
#[derive(Clone, Debug)]
pub struct Sim {
    pub scenario: PathBuf,
    pub agents: u32,
    pub replicates: u32,
    pub seed: u64,
    pub months: Option<u32>,
    pub threads: Option<usize>,
    pub sets: Vec<String>,
}

impl Sim {
    /// The fixture with 40 000 agents, 4 replicates and seed 7.
    pub fn new() -> Sim {
        Sim {
            scenario: fixture(),
            agents: 40_000,
            replicates: 4,
            seed: 7,
            months: None,
            threads: None,
            sets: Vec::new(),
        }
    }

    /// The fixture at the size and seed of the mechanism tests (40 000 agents, 4 replicates,
    /// seed 11).
    pub fn mechanisms() -> Sim {
        Sim::new().seed(11)
    }

    pub fn scenario(mut self, path: impl Into<PathBuf>) -> Sim {
        self.scenario = path.into();
        self
    }
    pub fn agents(mut self, n: u32) -> Sim {
        self.agents = n;
        self
    }
    pub fn replicates(mut self, n: u32) -> Sim {
        self.replicates = n;
        self
    }
    pub fn seed(mut self, n: u64) -> Sim {
        self.seed = n;
        self
    }
    pub fn months(mut self, n: u32) -> Sim {
        self.months = Some(n);
        self
    }
    pub fn threads(mut self, n: usize) -> Sim {
        self.threads = Some(n);
        self
    }
    /// Add `--set key=value`.
    pub fn set(mut self, key: &str, value: impl std::fmt::Display) -> Sim {
        self.sets.push(format!("{key}={value}"));
        self
    }

    /// The command-line arguments after `crossroads`, writing into `out`.
    pub fn args(&self, out: &Path) -> Vec<String> {
        let mut a = vec![
            "run".to_string(),
            self.scenario.display().to_string(),
            "--out".into(),
            out.display().to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--replicates".into(),
            self.replicates.to_string(),
            "--agents".into(),
            self.agents.to_string(),
            "--quiet".into(),
        ];
        if let Some(m) = self.months {
            a.extend(["--months".into(), m.to_string()]);
        }
        if let Some(t) = self.threads {
            a.extend(["--threads".into(), t.to_string()]);
        }
        for s in &self.sets {
            a.extend(["--set".into(), s.clone()]);
        }
        a
    }

    /// Run and require success.
    pub fn run(&self) -> Output {
        let tmp = TempDir::new().expect("temp dir");
        let dir = tmp.path().join("out");
        let args = self.args(&dir);
        let r = run_in(
            tmp.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(
            r.code,
            Some(0),
            "crossroads {} failed\nstdout:\n{}\nstderr:\n{}",
            args.join(" "),
            r.stdout,
            r.stderr
        );
        Output {
            _tmp: tmp,
            dir,
            command: format!("crossroads {}", args.join(" ")),
        }
    }
}

/// The files a successful run wrote, in a temporary folder that lives as long as this.
pub struct Output {
    _tmp: TempDir,
    pub dir: PathBuf,
    /// The command that produced it, for failure messages.
    pub command: String,
}

/// One row of summary.csv.
#[derive(Clone, Debug)]
pub struct SummaryRow {
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub replicates: usize,
}

/// Parse a CSV cell: an empty cell is `None`.
pub fn cell(s: &str) -> Option<f64> {
    if s.is_empty() {
        None
    } else {
        Some(s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")))
    }
}

/// A header row and records, as strings.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r =
        csv::Reader::from_path(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|x| {
            x.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect();
    (header, rows)
}

/// How the tests name one value of outcomes.csv: `metric`, or `metric[by=level]` for a
/// breakdown (as the program names it in messages).
pub fn key(metric: &str, by: &str, level: &str) -> String {
    if by.is_empty() {
        metric.to_string()
    } else {
        format!("{metric}[{by}={level}]")
    }
}

/// The name of a metric by destination, e.g. `arrivals_per_year[destination=italy]`.
pub fn by_dest(metric: &str, destination: &str) -> String {
    key(metric, "destination", destination)
}

/// outcomes.csv at `path`: metric (as [`key`] names it) → value per replicate, in replicate
/// order (`None`: empty denominator).
pub fn read_outcomes(path: &Path) -> BTreeMap<String, Vec<Option<f64>>> {
    let (h, rows) = read_csv(path);
    assert_eq!(
        h,
        ["scenario", "replicate", "metric", "by", "level", "value"],
        "{} header",
        path.display()
    );
    let mut m: BTreeMap<String, Vec<(u32, Option<f64>)>> = BTreeMap::new();
    for r in rows {
        m.entry(key(&r[2], &r[3], &r[4]))
            .or_default()
            .push((r[1].parse().expect("replicate"), cell(&r[5])));
    }
    m.into_iter()
        .map(|(k, mut v)| {
            v.sort_by_key(|x| x.0);
            (k, v.into_iter().map(|x| x.1).collect())
        })
        .collect()
}

/// The repository's calibrated baseline, `scenarios/baseline.toml`.
pub fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

/// A file of `scenarios/recommendations/`.
pub fn recommendation(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/recommendations")
        .join(file)
}

/// A row of timeseries.csv by column name.
#[derive(Clone, Debug)]
pub struct TsRow {
    pub cols: BTreeMap<String, String>,
}

impl TsRow {
    /// A numeric column.
    pub fn get(&self, col: &str) -> f64 {
        let s = self
            .cols
            .get(col)
            .unwrap_or_else(|| panic!("timeseries.csv has no column {col}"));
        s.parse()
            .unwrap_or_else(|_| panic!("timeseries.csv {col} = {s:?} is not a number"))
    }
    pub fn str(&self, col: &str) -> &str {
        self.cols
            .get(col)
            .unwrap_or_else(|| panic!("timeseries.csv has no column {col}"))
    }
    pub fn replicate(&self) -> u32 {
        self.get("replicate") as u32
    }
    pub fn month(&self) -> u32 {
        self.get("month") as u32
    }
}

impl Output {
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    pub fn bytes(&self, file: &str) -> Vec<u8> {
        fs::read(self.path(file)).unwrap_or_else(|e| panic!("read {file}: {e}"))
    }

    /// outcomes.csv: metric → value per replicate, in replicate order (`None`: empty denominator).
    pub fn outcomes(&self) -> BTreeMap<String, Vec<Option<f64>>> {
        read_outcomes(&self.path("outcomes.csv"))
    }

    /// The values of one metric over replicates; every one must be defined.
    pub fn values(&self, metric: &str) -> Vec<f64> {
        let all = self.outcomes();
        let v = all
            .get(metric)
            .unwrap_or_else(|| panic!("outcomes.csv has no metric {metric} ({})", self.command));
        v.iter()
            .enumerate()
            .map(|(r, x)| {
                x.unwrap_or_else(|| panic!("{metric} is empty in replicate {r} ({})", self.command))
            })
            .collect()
    }

    /// Mean of a metric over replicates (outcomes.csv).
    pub fn mean(&self, metric: &str) -> f64 {
        let v = self.values(metric);
        v.iter().sum::<f64>() / v.len() as f64
    }

    /// summary.csv by metric.
    pub fn summary(&self) -> BTreeMap<String, SummaryRow> {
        let (h, rows) = read_csv(&self.path("summary.csv"));
        assert_eq!(
            h,
            [
                "scenario",
                "metric",
                "by",
                "level",
                "mean",
                "sd",
                "ci_low",
                "ci_high",
                "replicates"
            ],
            "summary.csv header"
        );
        rows.into_iter()
            .map(|r| {
                (
                    key(&r[1], &r[2], &r[3]),
                    SummaryRow {
                        mean: cell(&r[4]),
                        sd: cell(&r[5]),
                        ci_low: cell(&r[6]),
                        ci_high: cell(&r[7]),
                        replicates: r[8].parse().expect("replicates"),
                    },
                )
            })
            .collect()
    }

    /// timeseries.csv, header and rows.
    pub fn timeseries(&self) -> (Vec<String>, Vec<TsRow>) {
        let (h, rows) = read_csv(&self.path("timeseries.csv"));
        let rows = rows
            .into_iter()
            .map(|r| {
                assert_eq!(r.len(), h.len(), "timeseries.csv row length");
                TsRow {
                    cols: h.iter().cloned().zip(r).collect(),
                }
            })
            .collect();
        (h, rows)
    }

    /// manifest.json.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes("manifest.json")).expect("manifest.json parses as JSON")
    }

    /// The weight (persons per agent) from manifest.json.
    pub fn weight(&self) -> f64 {
        self.manifest()["weight"]
            .as_f64()
            .expect("manifest weight is a number")
    }

    /// Names of the files in the output folder.
    pub fn files(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.dir)
            .expect("out dir")
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }
}

/// Mean and standard error of the mean.
pub fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    if v.len() < 2 {
        return (m, f64::INFINITY);
    }
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Assert that `metric` is larger in `big` than in `small`, two runs on the same seed whose
/// replicates are paired by common random numbers: larger in every replicate, and the mean of the
/// paired differences more than three of its standard errors above zero. Returns the two means
/// (big, small).
pub fn assert_greater(metric: &str, big: &Output, small: &Output) -> (f64, f64) {
    let b = big.values(metric);
    let s = small.values(metric);
    assert_eq!(b.len(), s.len(), "{metric}: replicate counts differ");
    assert!(
        b.len() >= 2,
        "{metric}: at least two replicates are needed to judge the noise"
    );
    let diffs: Vec<f64> = b.iter().zip(&s).map(|(x, y)| x - y).collect();
    let (d, se) = mean_se(&diffs);
    let mb = b.iter().sum::<f64>() / b.len() as f64;
    let ms = s.iter().sum::<f64>() / s.len() as f64;
    let every = diffs.iter().all(|x| *x > 0.0);
    assert!(
        every && d > 3.0 * se,
        "{metric} should be clearly larger in\n  {}\n(mean {mb}, per replicate {b:?})\nthan in\n  {}\n(mean {ms}, per replicate {s:?});\npaired difference {d}, its standard error {se}",
        big.command,
        small.command,
    );
    (mb, ms)
}

/// The fixture text with `old` replaced by `new` (which must occur exactly once).
pub fn edit(text: &str, old: &str, new: &str) -> String {
    assert_eq!(
        text.matches(old).count(),
        1,
        "{old:?} must occur once in the scenario text"
    );
    text.replacen(old, new, 1)
}

/// The fixture with its `[[event]]` block removed (the event is the last thing in the file).
pub fn fixture_without_events() -> String {
    let t = fixture_text();
    let at = t.find("[[event]]").expect("the fixture has an event");
    t[..at].to_string()
}

/// 1-based line of the first line of `text` that starts with `prefix`.
pub fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.trim_start().starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix:?}"))
        + 1
}

/// Write `text` to `dir/name` and return the path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).expect("write scenario");
    p
}

/// `base` with every `(key, value)` of `sets`.
pub fn with(base: &Sim, sets: &[(&str, &str)]) -> Sim {
    sets.iter().fold(base.clone(), |s, (k, v)| s.set(k, v))
}

/// Runs `base` with each `(key, value)` in `a`, and then in `b` (same seed: the runs differ only
/// by those values).
pub fn pair(base: Sim, a: &[(&str, &str)], b: &[(&str, &str)]) -> (Output, Output) {
    (with(&base, a).run(), with(&base, b).run())
}

/// Every replicate's value of `metric` is exactly 0.
pub fn assert_all_zero(out: &Output, metric: &str) {
    let v = out.values(metric);
    assert!(
        v.iter().all(|x| *x == 0.0),
        "{metric} must be exactly 0 in every replicate of\n  {}\nbut is {v:?}",
        out.command
    );
}

/// Every replicate's value of `metric` is above `floor`; returns the values.
pub fn assert_all_above(out: &Output, metric: &str, floor: f64) -> Vec<f64> {
    let v = out.values(metric);
    assert!(
        v.iter().all(|x| *x > floor),
        "{metric} must exceed {floor} in every replicate of\n  {}\nbut is {v:?}",
        out.command
    );
    v
}

/// Sum of a timeseries column over all rows.
pub fn ts_total(out: &Output, col: &str) -> f64 {
    out.timeseries().1.iter().map(|r| r.get(col)).sum()
}
