//! Loading a scenario: read the file and the chain of files it `extends` (hashing each), merge
//! them, apply the `--set` overrides, read the result into a typed [`Scenario`], check it, and
//! build the event timeline. The only place of the scenario layer that touches files.

use std::borrow::Cow;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::span::{self, Label, SourceMap};
use super::{InputFile, Loaded, Scenario, ScenarioError, decode, events, merge, path, validate};

/// Top-level keys `--set` may not change.
const NOT_SETTABLE: [&str; 3] = ["extends", "event", "observed"];

/// Load the scenario at `path` with the `--set KEY=VALUE` overrides `sets`.
pub fn load(path: &Path, sets: &[String]) -> Result<Loaded, ScenarioError> {
    load_pinned(path, sets, &[], &[])
}

/// Load the scenario at `path` with the overrides `sets`, then `what_if` (a compared variant's
/// own overrides, applied after `sets` and named `--what-if` in messages), and `pins`:
/// overrides that hold for the whole run, the events' settings of the same keys left out (a
/// sweep's parameter that must not be overridden from an event's month on).
pub fn load_pinned(
    path: &Path,
    sets: &[String],
    what_if: &[String],
    pins: &[String],
) -> Result<Loaded, ScenarioError> {
    let flags = sets
        .iter()
        .map(|_| "--set")
        .chain(what_if.iter().map(|_| "--what-if"))
        .chain(pins.iter().map(|_| "--set"));
    let all: Vec<(&'static str, String)> = flags
        .zip(sets.iter().chain(what_if).chain(pins).cloned())
        .collect();
    let sets = all.as_slice();
    let pinned: Vec<Vec<String>> = pins
        .iter()
        .filter_map(|p| p.split_once('=').and_then(|(k, _)| path::parse(k).ok()))
        .collect();
    let mut sources = SourceMap::default();
    let mut files = Vec::new();
    let chain = read_chain(path, &mut sources, &mut files)?;
    let set_sources: Vec<usize> = sets
        .iter()
        .map(|(flag, s)| sources.add(Label::Set(flag), s.clone()))
        .collect();

    let mut merged: Option<Spanned<DeTable>> = None;
    for &i in chain.iter().rev() {
        let table = span::shift_table(parse(&sources, i)?, sources.base(i));
        merged = Some(match merged {
            None => table,
            Some(parent) => merge::extend(parent, table)
                .map_err(|(pos, msg)| ScenarioError::new(sources.at(pos), msg))?,
        });
    }
    let mut root = merged.expect("the chain holds at least the scenario file");
    let named_by_file = !root.get_ref().contains_key("name");
    if named_by_file {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        // An empty span at the end of the file: it names no written key.
        let end = sources.base(chain[0]) + sources.text(chain[0]).len();
        let at = end..end;
        root.get_mut().insert(
            Spanned::new(at.clone(), Cow::Borrowed("name")),
            Spanned::new(at, DeValue::String(Cow::Owned(stem))),
        );
    }

    let mut scenario = decode::scenario(&root, &sources)?;
    let horizon = validate::Horizon::of(&scenario);
    if !set_sources.is_empty() {
        let full = table_of(&scenario);
        for &i in &set_sources {
            apply_set(&mut root, &full, &sources, i)?;
        }
        scenario = decode::scenario(&root, &sources)?;
    }
    if let Some(p) = validate::problems_in(&scenario, &horizon)
        .into_iter()
        .chain(validate::name(&scenario))
        .next()
    {
        // A relation between keys points at the one a --set gave, if any: the value just
        // changed. So does a name that no longer resolves because a --set changed its list.
        let spans: Vec<usize> = p.keys().map(|at| path::key_span(&root, at).start).collect();
        let pos = spans
            .iter()
            .copied()
            .find(|&pos| sources.is_set(pos))
            .or_else(|| {
                p.refers_to
                    .as_deref()
                    .and_then(|list| path::set_in_ids(&root, list, |pos| sources.is_set(pos)))
            })
            .unwrap_or(spans[0]);
        // A name taken from the file's name is written on no line of it.
        if named_by_file && p.keys().any(|k| k.as_slice() == ["name"]) && !sources.is_set(pos) {
            return Err(ScenarioError::new(
                path.display().to_string(),
                format!(
                    "the scenario has no `name`, so it takes its file's name, \"{}\", which cannot name an output folder ({}); set name = \"…\" in the file, or rename the file",
                    validate::shown(&scenario.name),
                    validate::NAME_RULE
                ),
            ));
        }
        return Err(ScenarioError::new(sources.at(pos), p.message));
    }
    let resolved = table_of(&scenario);
    let epochs = events::epochs(&root, &scenario, &resolved, &horizon, &sources, &pinned)?;
    Ok(Loaded {
        scenario,
        epochs,
        files,
        resolved,
    })
}

/// The scenario as a table, with every default written out.
fn table_of(s: &Scenario) -> toml::Table {
    match toml::Value::try_from(s) {
        Ok(toml::Value::Table(t)) => t,
        _ => toml::Table::new(),
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Largest input file read, in bytes (8 MiB: the baseline is about 60 KiB).
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// The bytes of the input file at `path` (a scenario, a parent, a calibration configuration).
/// It must be a regular file (checked before opening it: opening a FIFO would wait for a
/// writer) of at most [`MAX_FILE_BYTES`]. The error says what is wrong, without the path.
pub fn read_input(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if meta.is_dir() {
        return Err("is a directory, not a scenario file".into());
    }
    if !meta.is_file() {
        return Err("is not a regular file (a FIFO, socket or device); give a TOML file".into());
    }
    let too_big = |n: u64| {
        format!("is {n} bytes; an input file may be at most {MAX_FILE_BYTES} bytes (8 MiB)")
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The text of the scenario file at `path`: an input file (see [`read_input`]) of UTF-8 text
/// that is not empty. The error says what is wrong, without the path. A configuration that
/// names a scenario checks it with this first, to name its own key if the file cannot be read.
pub fn read_scenario_text(path: &Path) -> Result<String, String> {
    let bytes = read_input(path)?;
    let text = String::from_utf8(bytes)
        .map_err(|_| "is not a text file (not UTF-8); a scenario is a TOML file".to_string())?;
    if text.trim().is_empty() {
        return Err(
            "is empty; a scenario is a TOML file that sets start, months, spin_up_months, [population], ..."
                .into(),
        );
    }
    Ok(text)
}

/// `a/./b.toml` as `a/b.toml`; `..` is kept (it may cross a symbolic link).
fn tidy(p: &Path) -> PathBuf {
    let t: PathBuf = p.components().filter(|c| *c != Component::CurDir).collect();
    // `.` alone is the current folder, not a path without a name.
    if t.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        t
    }
}

/// Parse source `i`; spans are relative to the source.
fn parse<'s>(sources: &'s SourceMap, i: usize) -> Result<Spanned<DeTable<'s>>, ScenarioError> {
    DeTable::parse(sources.text(i)).map_err(|e| {
        let pos = sources.base(i) + e.span().map_or(0, |s| s.start);
        ScenarioError::new(
            sources.at(pos),
            format!("not valid TOML: {}", e.message().trim()),
        )
    })
}

/// Read the scenario file, then the file it extends, and so on. Returns the sources, child first.
fn read_chain(
    path: &Path,
    sources: &mut SourceMap,
    files: &mut Vec<InputFile>,
) -> Result<Vec<usize>, ScenarioError> {
    let mut chain = Vec::new();
    // (canonical path, path as shown) of each file read.
    let mut seen: Vec<(PathBuf, PathBuf)> = Vec::new();
    // Where each canonical path is in `seen`: a long chain is checked for cycles in linear time.
    let mut index: std::collections::HashMap<PathBuf, usize> = Default::default();
    let mut next = tidy(path);
    // Where the `extends` that named `next` was written, and its value.
    let mut referrer: Option<(String, String)> = None;
    loop {
        let fail = |msg: &str| match &referrer {
            Some((at, ext)) => ScenarioError::new(
                at.clone(),
                format!("extends = {ext:?}: {}: {msg}", next.display()),
            ),
            None => ScenarioError::new(next.display().to_string(), msg),
        };
        let canonical = std::fs::canonicalize(&next).map_err(|e| fail(&io_message(&e)))?;
        if let Some(&k) = index.get(&canonical) {
            let names: Vec<String> = seen[k..]
                .iter()
                .map(|(_, p)| p.display().to_string())
                .chain([next.display().to_string()])
                .collect();
            let at = referrer.as_ref().map(|r| r.0.clone()).unwrap_or_default();
            return Err(ScenarioError::new(
                at,
                format!("extends makes a cycle: {}", names.join(" -> ")),
            ));
        }
        let text = read_scenario_text(&next).map_err(|e| fail(&e))?;
        files.push(InputFile {
            path: next.clone(),
            sha256_hex: sha256_hex(text.as_bytes()),
        });
        let i = sources.add(Label::File(next.clone()), text);
        let parent = extends_of(&parse(sources, i)?, sources, i)?;
        index.insert(canonical.clone(), seen.len());
        seen.push((canonical, next.clone()));
        chain.push(i);
        let Some((ext, at)) = parent else {
            return Ok(chain);
        };
        next = tidy(&next.parent().unwrap_or(Path::new("")).join(&ext));
        referrer = Some((at, ext));
    }
}

/// The `extends` of a parsed file, and where it was written.
fn extends_of(
    t: &Spanned<DeTable<'_>>,
    sources: &SourceMap,
    i: usize,
) -> Result<Option<(String, String)>, ScenarioError> {
    let Some((k, v)) = t.get_ref().get_key_value("extends") else {
        return Ok(None);
    };
    let at = sources.at(sources.base(i) + k.span().start);
    match v.get_ref() {
        DeValue::String(s) if !s.trim().is_empty() => Ok(Some((s.to_string(), at))),
        _ => Err(ScenarioError::new(
            at,
            "extends must name a scenario file, e.g. extends = \"baseline.toml\"",
        )),
    }
}

/// Apply the `--set KEY=VALUE` of source `i` to `root`. `full` is the scenario before the
/// overrides, every default written out: a key must exist there.
fn apply_set<'s>(
    root: &mut Spanned<DeTable<'s>>,
    full: &toml::Table,
    sources: &'s SourceMap,
    i: usize,
) -> Result<(), ScenarioError> {
    let arg = sources.text(i);
    let base = sources.base(i);
    let flag = sources.flag(i);
    let Some((k, _)) = arg.split_once('=') else {
        return Err(ScenarioError::new(
            format!("{flag} {arg}"),
            format!("expected KEY=VALUE, e.g. {flag} policy.awareness.coverage_share=0.5"),
        ));
    };
    let key = k.trim();
    let at_key = |msg: String| ScenarioError::new(format!("{flag} {key}"), msg);
    let segs = path::parse(key).map_err(at_key)?;
    if NOT_SETTABLE.contains(&segs[0].as_str()) {
        return Err(at_key(format!(
            "{} cannot be set from the command line",
            segs[0]
        )));
    }
    path::check(full, &segs, &NOT_SETTABLE).map_err(at_key)?;

    let raw = &arg[k.len() + 1..];
    let text = raw.trim();
    let offset = base + k.len() + 1 + (raw.len() - raw.trim_start().len());
    let value = match DeValue::parse(text) {
        Ok(v) => span::shift_value(v, offset),
        Err(_) => Spanned::new(
            offset..offset + text.len(),
            DeValue::String(Cow::Borrowed(text)),
        ),
    };
    path::set(root.get_mut(), &segs, base..base + k.len(), value).map_err(at_key)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::fs;

    pub(crate) const TINY: &str = include_str!("../../tests/fixtures/tiny.toml");

    /// A temporary folder of scenario files.
    pub(crate) struct Dir(pub tempfile::TempDir);

    impl Dir {
        pub(crate) fn new() -> Dir {
            let d = Dir(tempfile::tempdir().unwrap());
            d.write("base.toml", TINY);
            d
        }
        pub(crate) fn write(&self, name: &str, text: &str) -> PathBuf {
            let p = self.0.path().join(name);
            fs::write(&p, text).unwrap();
            p
        }
        /// Load `name` with `sets`.
        pub(crate) fn load(&self, name: &str, sets: &[&str]) -> Result<Loaded, ScenarioError> {
            let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
            load(&self.0.path().join(name), &sets)
        }
        /// The error of loading `name` with `sets`, without the folder's path.
        pub(crate) fn error(&self, name: &str, sets: &[&str]) -> String {
            let e = self
                .load(name, sets)
                .expect_err("the scenario should not load");
            let prefix = format!("{}/", self.0.path().display());
            e.to_string().replace(&prefix, "")
        }
    }

    /// 1-based line and column of the first occurrence of `needle` in `text`.
    pub(crate) fn line_col(text: &str, needle: &str) -> (usize, usize) {
        let i = text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in text"));
        let before = &text[..i];
        (
            before.matches('\n').count() + 1,
            before.len() - before.rfind('\n').map_or(0, |n| n + 1) + 1,
        )
    }

    #[test]
    fn the_tiny_fixture_loads() {
        let d = Dir::new();
        let l = d.load("base.toml", &[]).unwrap();
        assert_eq!(l.scenario.name, "base", "the name is the file's stem");
        assert_eq!(l.scenario.population.default_agents, 2000);
        assert_eq!(l.epochs.len(), 1);
        assert_eq!(l.epochs[0].month, 0);
        assert_eq!(l.files.len(), 1);
        assert_eq!(l.files[0].sha256_hex, sha256_hex(TINY.as_bytes()));
        assert_eq!(l.files[0].sha256_hex.len(), 64);
        assert_eq!(l.resolved["name"].as_str(), Some("base"));
        // Defaults are written out in the resolved table.
        assert_eq!(l.resolved["leg"][0]["p_death"].as_float(), Some(0.0));
    }

    #[test]
    fn the_fixture_in_the_repository_loads() {
        let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tiny.toml");
        let l = load(&p, &[]).unwrap();
        assert_eq!(l.scenario.name, "tiny");
    }

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn extends_merges_tables_and_entries_by_id() {
        let d = Dir::new();
        d.write(
            "child.toml",
            r#"extends = "base.toml"
months = 12

[policy.awareness]
coverage_share = 0.5

[[destination]]
id = "italy"
jobs_per_month = 100

[[location]]
id = "turkey"
kind = "hub"
"#,
        );
        let l = d.load("child.toml", &[]).unwrap();
        let s = &l.scenario;
        assert_eq!(s.name, "child");
        assert_eq!(s.extends.as_deref(), Some("base.toml"));
        assert_eq!(s.months, 12);
        assert_eq!(s.spin_up_months, 6, "inherited");
        assert_eq!(s.policy.awareness.coverage_share, 0.5);
        assert_eq!(
            s.policy.awareness.effect_share, 0.3,
            "the rest of the table is inherited"
        );
        let italy = s.destinations.iter().find(|d| d.id == "italy").unwrap();
        assert_eq!(italy.jobs_per_month, 100.0);
        assert_eq!(
            italy.wage_usd, 1000.0,
            "the parent's entry keeps its other keys"
        );
        assert_eq!(s.destinations.len(), 2);
        let ids: Vec<&str> = s.locations.iter().map(|l| l.id.as_str()).collect();
        assert_eq!(
            ids,
            ["dhaka", "libya", "saudi_arabia", "italy", "turkey"],
            "new ids are appended"
        );
        let files: Vec<String> = l
            .files
            .iter()
            .map(|f| f.path.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(files, ["child.toml", "base.toml"]);
    }

    #[test]
    fn name_is_the_stem_unless_the_file_sets_it_and_observed_is_not_inherited() {
        let d = Dir::new();
        let observed = |id: &str| {
            format!(
                "\n[[observed.target]]\nid = \"{id}\"\nkind = \"input\"\nquantity = \"q\"\nparameter = \"exit.p_escape\"\nperiod = \"any\"\ntarget = 0.02\nband = [0, 1]\nsource = \"s\"\n"
            )
        };
        d.write(
            "parent.toml",
            &format!("name = \"the-parent\"\n{TINY}{}", observed("x")),
        );
        d.write("kid.toml", "extends = \"parent.toml\"\n");
        d.write(
            "named.toml",
            &format!(
                "extends = \"parent.toml\"\nname = \"mine\"\n{}",
                observed("y")
            ),
        );
        let parent = d.load("parent.toml", &[]).unwrap().scenario;
        assert_eq!(parent.name, "the-parent");
        assert!(parent.observed.is_some());
        let kid = d.load("kid.toml", &[]).unwrap().scenario;
        assert_eq!(kid.name, "kid");
        assert!(kid.observed.is_none());
        let named = d.load("named.toml", &[]).unwrap().scenario;
        assert_eq!(named.name, "mine");
        let ids: Vec<String> = named
            .observed
            .unwrap()
            .targets
            .into_iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, ["y"], "the child's own observed data only");
    }

    #[test]
    fn events_append_through_extends() {
        let d = Dir::new();
        d.write("a.toml", "extends = \"base.toml\"\n[[event]]\nmonth = 3\nset = { \"policy.awareness.coverage_share\" = 0.1 }\n");
        d.write("b.toml", "extends = \"a.toml\"\n[[event]]\nmonth = 5\nset = { \"policy.awareness.coverage_share\" = 0.2 }\n");
        let l = d.load("b.toml", &[]).unwrap();
        let months: Vec<Option<i64>> = l.scenario.events.iter().map(|e| e.month).collect();
        assert_eq!(months, [Some(3), Some(5)]);
        assert_eq!(l.files.len(), 3);
    }

    #[test]
    fn many_entities_load_and_are_all_checked() {
        // Loading is linear in the number of entities (ids are found through maps): 50,000
        // districts, written in a file that extends the fixture, load; a repeated id among them
        // is still found, and named at its place.
        let d = Dir::new();
        let n = 50_000;
        let mut text = String::from("extends = \"base.toml\"\n");
        for i in 0..n {
            text.push_str(&format!(
                "[[district]]\nid = \"d{i}\"\npool_share = 0.001\nurban_share = 0.3\nincome_factor = 1.0\nties_share = 0.4\np_broker_offer = 0.3\n"
            ));
        }
        d.write("many.toml", &text);
        let l = d.load("many.toml", &[]).unwrap();
        assert_eq!(
            l.scenario.districts.len(),
            n + 2,
            "the fixture's two and the new ones"
        );
        assert_eq!(l.scenario.districts[n + 1].id, format!("d{}", n - 1));
        text.push_str("[[district]]\nid = \"d7\"\npool_share = 0.001\nurban_share = 0.3\nincome_factor = 1.0\nties_share = 0.4\np_broker_offer = 0.3\n");
        d.write("many.toml", &text);
        let line = text.lines().count() - 5;
        assert_eq!(
            d.error("many.toml", &[]),
            format!(
                "many.toml:{line}:1: district.d7.id = \"d7\" is used twice: ids must be unique among the [[district]] entries"
            )
        );
    }

    #[test]
    fn observed_periods_lie_in_the_months_the_files_declare() {
        let d = Dir::new();
        let text = format!(
            "{TINY}\n[[observed.target]]\nid = \"T1\"\nkind = \"emergent\"\nquantity = \"q\"\nmetric = \"women_share\"\nperiod = \"2023\"\ntarget = 0.1\nband = [0, 1]\nsource = \"s\"\n"
        );
        d.write("obs.toml", &text);
        // A run shortened with --set skips the target, as one shortened with --months does.
        assert!(d.load("obs.toml", &["months=12"]).is_ok());
        d.write(
            "late.toml",
            &text.replace("period = \"2023\"", "period = \"2024\""),
        );
        let (line, _) = line_col(&text, "period = ");
        assert_eq!(
            d.error("late.toml", &[]),
            format!(
                "late.toml:{line}:1: observed.target.T1.period = \"2024\" is outside the reported months; allowed: \"any\", or years from 2022 to 2023 (e.g. \"2022\" or \"2022-2023\")"
            )
        );
    }

    #[test]
    fn a_cycle_is_named() {
        let d = Dir::new();
        d.write("a.toml", "extends = \"b.toml\"\n");
        d.write("b.toml", "# b\nextends = \"a.toml\"\n");
        assert_eq!(
            d.error("a.toml", &[]),
            "b.toml:2:1: extends makes a cycle: a.toml -> b.toml -> a.toml"
        );
        d.write("self.toml", "extends = \"self.toml\"\n");
        assert_eq!(
            d.error("self.toml", &[]),
            "self.toml:1:1: extends makes a cycle: self.toml -> self.toml"
        );
    }

    #[test]
    fn a_missing_parent_is_named() {
        let d = Dir::new();
        d.write("child.toml", "extends = \"nope.toml\"\n");
        assert_eq!(
            d.error("child.toml", &[]),
            "child.toml:1:1: extends = \"nope.toml\": nope.toml: no such file"
        );
        d.write("num.toml", "extends = 3\n");
        assert!(
            d.error("num.toml", &[])
                .starts_with("num.toml:1:1: extends must name a scenario file")
        );
    }

    #[test]
    fn unreadable_files_are_named() {
        let d = Dir::new();
        assert_eq!(d.error("missing.toml", &[]), "missing.toml: no such file");
        fs::create_dir(d.0.path().join("folder")).unwrap();
        assert_eq!(
            d.error("folder", &[]),
            "folder: is a directory, not a scenario file"
        );
        d.write("empty.toml", "  \n");
        assert!(
            d.error("empty.toml", &[])
                .starts_with("empty.toml: is empty")
        );
        fs::write(d.0.path().join("bin.toml"), [0xff, 0xfe, 0x00]).unwrap();
        assert!(
            d.error("bin.toml", &[])
                .starts_with("bin.toml: is not a text file")
        );
        d.write("bad.toml", "start = \"2022-01\"\nmonths = = 3\n");
        let e = d.error("bad.toml", &[]);
        assert!(e.starts_with("bad.toml:2:"), "{e}");
        assert!(e.contains("not valid TOML"), "{e}");
        d.write("prose.md", "# A title\n\nSome words here.\n");
        assert!(
            d.error("prose.md", &[]).starts_with("prose.md:3:"),
            "{}",
            d.error("prose.md", &[])
        );
    }

    #[test]
    fn an_unknown_key_is_named_with_its_place_and_what_is_allowed() {
        let d = Dir::new();
        let text = TINY.replace("effect_share = 0.3", "effect_share = 0.3\n  coverage = 0.5");
        d.write("x.toml", &text);
        let (line, _) = line_col(&text, "  coverage = 0.5");
        assert_eq!(
            d.error("x.toml", &[]),
            format!(
                "x.toml:{line}:3: policy.awareness.coverage: unknown key; allowed here: coverage_share, effect_share, online_share, districts, decay_share_per_year, cost_usd_per_person_village, cost_usd_per_person_online"
            )
        );
        // In an entry of an array of tables, the path names the entry's id.
        let text = TINY.replace(
            "p_interception = 0.4",
            "p_interception = 0.4\np_drown = 0.1",
        );
        d.write("y.toml", &text);
        let (line, col) = line_col(&text, "p_drown");
        let e = d.error("y.toml", &[]);
        assert!(e.starts_with(&format!("y.toml:{line}:{col}: leg.libya-italy.p_drown: unknown key; allowed here: id, from, to, ")), "{e}");
        // In a child file, the child's line.
        d.write(
            "child.toml",
            "extends = \"base.toml\"\n\n[market]\np_exit = 0.1\n",
        );
        assert!(
            d.error("child.toml", &[])
                .starts_with("child.toml:4:1: market.p_exit: unknown key; allowed here: p_entry, ")
        );
        // At the top.
        d.write("top.toml", &format!("horizon = 3\n{TINY}"));
        let e = d.error("top.toml", &[]);
        assert!(e.starts_with("top.toml:1:1: horizon: unknown key; allowed here: name, description, extends, start, "), "{e}");
    }

    #[test]
    fn a_wrong_type_names_the_key_and_the_expected_type() {
        let d = Dir::new();
        let text = TINY.replace("\nmonths = 24", "\nmonths = \"two years\"");
        d.write("x.toml", &text);
        assert_eq!(
            d.error("x.toml", &[]),
            "x.toml:7:1: months = \"two years\" must be a whole number from 1 to 1200"
        );
        let text = TINY.replace("kind = \"hub\"", "kind = \"port\"");
        d.write("k.toml", &text);
        let (line, _) = line_col(&text, "kind = \"port\"");
        assert_eq!(
            d.error("k.toml", &[]),
            format!(
                "k.toml:{line}:1: location.libya.kind = \"port\" must be one of: capital, border, hub, destination"
            )
        );
        let text = TINY.replace("wage_theft_share = 0.5", "wage_theft_share = \"half\"");
        d.write("w.toml", &text);
        let (line, _) = line_col(&text, "wage_theft_share");
        assert_eq!(
            d.error("w.toml", &[]),
            format!("w.toml:{line}:1: work.wage_theft_share = \"half\" must be a number")
        );
        let text = TINY.replace("ransom_borrowed_share = 0.7\n", "");
        d.write("m.toml", &text);
        let (line, _) = line_col(&text, "[finance]");
        assert_eq!(
            d.error("m.toml", &[]),
            format!("m.toml:{line}:2: finance.ransom_borrowed_share is missing (a required key)")
        );
        let text = TINY.replace("start = \"2022-01\"\n", "");
        d.write("s.toml", &text);
        assert_eq!(
            d.error("s.toml", &[]),
            "s.toml:1:1: start is missing (a required key)"
        );
    }

    #[test]
    fn an_out_of_range_probability_points_at_its_line() {
        let d = Dir::new();
        let text = TINY.replace("p_death = 0.01", "p_death = 1.5");
        d.write("x.toml", &text);
        let (line, col) = line_col(&text, "p_death = 1.5");
        assert_eq!(
            d.error("x.toml", &[]),
            format!("x.toml:{line}:{col}: leg.libya-italy.p_death = 1.5 must be in [0, 1]")
        );
        // Written in the child: the child's line; only in the parent: the parent's.
        d.write(
            "child.toml",
            "extends = \"base.toml\"\n[policy.awareness]\ncoverage_share = 1.7\n",
        );
        assert_eq!(
            d.error("child.toml", &[]),
            "child.toml:3:1: policy.awareness.coverage_share = 1.7 must be in [0, 1]"
        );
        let bad_parent = TINY.replace("p_escape = 0.02", "p_escape = 2");
        d.write("bad_parent.toml", &bad_parent);
        d.write("kid.toml", "extends = \"bad_parent.toml\"\nmonths = 12\n");
        let (line, _) = line_col(&bad_parent, "p_escape = 2");
        assert_eq!(
            d.error("kid.toml", &[]),
            format!("bad_parent.toml:{line}:1: exit.p_escape = 2 must be in [0, 1]")
        );
        // A broken reference points at the key that holds it.
        let text = TINY.replace(
            "destination = \"italy\"\nlegs = [\"dhaka-libya\"",
            "destination = \"italy\"\nlegs = [\"libya-italy\", \"dhaka-libya\"",
        );
        d.write("r.toml", &text);
        let (line, _) = line_col(&text, "legs = [\"libya-italy\", \"dhaka-libya\"");
        assert_eq!(
            d.error("r.toml", &[]),
            format!(
                "r.toml:{line}:1: route.libya-italy.legs: leg libya-italy ends at italy but the next leg dhaka-libya starts at dhaka"
            )
        );
    }

    #[test]
    fn set_overrides_existing_keys_by_id() {
        let d = Dir::new();
        let l = d
            .load(
                "base.toml",
                &[
                    "policy.awareness.coverage_share=0.5",
                    "destination.italy.jobs_per_month=0",
                    "leg.dhaka-saudi_arabia.p_death=0.01",
                    "recruiter.informal_broker.count=100",
                    "name=renamed",
                    "recruiter.licensed_agency.districts=[\"border\"]",
                    "policy.reintegration.from_airport = true",
                ],
            )
            .unwrap();
        let s = &l.scenario;
        assert_eq!(s.policy.awareness.coverage_share, 0.5);
        assert_eq!(s.destinations[1].jobs_per_month, 0.0);
        assert_eq!(
            s.legs[0].p_death, 0.01,
            "a key left to its default can be set"
        );
        assert_eq!(s.recruiters[1].count, 100);
        assert_eq!(
            s.name, "renamed",
            "a value that is not TOML is a bare string"
        );
        assert_eq!(s.recruiters[0].districts, ["border"]);
        assert!(s.policy.reintegration.from_airport);
        assert_eq!(
            l.resolved["policy"]["awareness"]["coverage_share"].as_float(),
            Some(0.5)
        );
    }

    #[test]
    fn set_of_an_unknown_key_says_what_is_allowed() {
        let d = Dir::new();
        assert_eq!(
            d.error("base.toml", &["policy.awareness.coverage=0.5"]),
            "--set policy.awareness.coverage: no such key; allowed here: cost_usd_per_person_online, cost_usd_per_person_village, coverage_share, decay_share_per_year, districts, effect_share, online_share"
        );
        assert_eq!(
            d.error("base.toml", &["destination.malaysia.jobs_per_month=0"]),
            "--set destination.malaysia.jobs_per_month: no such key: there is no `destination` with id `malaysia`; ids: saudi_arabia, italy"
        );
        assert!(d.error("base.toml", &["foo.bar=1"]).starts_with(
            "--set foo.bar: no such key: there is no `foo`; allowed at the top: aspiration, "
        ));
        assert!(
            d.error("base.toml", &["event.x=1"])
                .starts_with("--set event.x: event cannot be set")
        );
        assert_eq!(
            d.error("base.toml", &["months"]),
            "--set months: expected KEY=VALUE, e.g. --set policy.awareness.coverage_share=0.5"
        );
    }

    #[test]
    fn set_values_are_checked_like_the_file() {
        let d = Dir::new();
        assert_eq!(
            d.error("base.toml", &["policy.awareness.coverage_share=1.7"]),
            "--set policy.awareness.coverage_share=1.7: policy.awareness.coverage_share = 1.7 must be in [0, 1]"
        );
        assert_eq!(
            d.error("base.toml", &["months=many"]),
            "--set months=many: months = many must be a whole number from 1 to 1200"
        );
        // A seed a scenario file could not hold is refused as such, not by the checks that
        // read the file's values back (which it would leave empty).
        assert_eq!(
            d.error("base.toml", &["seed=9223372036854775808"]),
            "--set seed=9223372036854775808: seed = 9223372036854775808 must be a whole number from 0 to 9223372036854775807 (the largest integer a scenario file can hold; the --seed option takes any seed up to 18446744073709551615)"
        );
        assert!(d.load("base.toml", &["seed=9223372036854775807"]).is_ok());
        // A relation between two keys points at the one a --set changed, whichever of the two.
        assert_eq!(
            d.error("base.toml", &["population.age_max=0"]),
            "--set population.age_max=0: population.age_min = 16 must be less than population.age_max = 0"
        );
        assert_eq!(
            d.error("base.toml", &["exploitation.reference_months=1"]),
            "--set exploitation.reference_months=1: exploitation.withheld_wage_months = 3 must be in [1, exploitation.reference_months = 1]"
        );
        assert_eq!(
            d.error("base.toml", &["population.age_min=70"]),
            "--set population.age_min=70: population.age_min = 70 must be less than population.age_max = 45"
        );
        // A problem in a key the file wrote, caused by a --set, points at the file.
        let (line, _) = line_col(TINY, "legs = [\"dhaka-saudi_arabia\"]");
        assert_eq!(
            d.error("base.toml", &["route.saudi.destination=\"italy\""]),
            format!(
                "base.toml:{line}:1: route.saudi.legs: the last leg dhaka-saudi_arabia ends at saudi_arabia but the route's destination is italy"
            )
        );
    }
}
