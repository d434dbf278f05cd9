//! Scenarios the loader must refuse before anything runs, through the real program: magnitudes
//! with no meaning in the model, an empty pool, events outside the simulated months, observed
//! data the run could not use, repeated ids in an extending file, and input files that are not
//! regular files or are too large. Each ends with exit code 2, one line naming the place
//! (`file:line:col` where there is one), the key, the value and what is allowed, and no output.

use std::path::Path;
use std::time::Duration;

use tempfile::TempDir;

use crate::bad_input::{check_failure, edited, located, mentions, run_fails};
use crate::support::{Ran, crossroads, edit, fixture, fixture_text, line_of, write};

/// The fixture with `extra` appended (its event block is the last thing in the file, so whole
/// tables can follow).
fn appended(tmp: &TempDir, name: &str, extra: &str) -> (String, String) {
    let text = format!("{}\n{extra}", fixture_text());
    let p = write(tmp.path(), name, &text);
    (p.display().to_string(), text)
}

/// The 1-based line of the `n`-th (0-based) line of `text` that starts with `prefix`.
fn nth_line_of(text: &str, prefix: &str, n: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with(prefix))
        .nth(n)
        .unwrap_or_else(|| panic!("no {n}-th line starts with {prefix:?}"))
        .0
        + 1
}

/// An observed target of the fixture, with `fields` added.
fn target(id: &str, fields: &str) -> String {
    format!(
        "[[observed.target]]\nid = \"{id}\"\nkind = \"emergent\"\nquantity = \"q\"\nsource = \"s\"\n{fields}\n"
    )
}

#[test]
fn huge_persons_wages_and_entries_are_refused_with_the_allowed_range() {
    for (k, old, new, key, range) in [
        (
            "persons",
            "persons = 1_000_000",
            "persons = 1e308",
            "population.persons = 1e308",
            "[0, 1000000000]",
        ),
        (
            "entries",
            "entries_per_year = 50_000",
            "entries_per_year = 1e308",
            "population.entries_per_year = 1e308",
            "[0, 1000000000]",
        ),
        (
            "wage",
            "wage_usd = 1000",
            "wage_usd = 1e308",
            "destination.italy.wage_usd = 1e308",
            "[0, 10000000]",
        ),
        (
            "age",
            "age_max = 45",
            "age_max = 300",
            "population.age_max = 300",
            "[0, 100]",
        ),
        (
            "count",
            "count = 2000",
            "count = 4294967295",
            "recruiter.broker.count = 4294967295",
            "[0, 1000000]",
        ),
        (
            "contract",
            "contract_months = 36",
            "contract_months = 300",
            "destination.italy.contract_months = 300",
            // A contract of 0 months is refused too: the range starts at 1.
            "[1, 240]",
        ),
        (
            "leg_months",
            "months = 1\n",
            "months = 300\n",
            "leg.dhaka-libya.months = 300",
            "[0, 240]",
        ),
    ] {
        // A folder of its own: nothing but the scenario may be left in it.
        let tmp = TempDir::new().unwrap();
        let name = format!("e2e_big_{k}.toml");
        let (p, text) = edited(&tmp, &name, old, new);
        let err = run_fails(&tmp, &p, &[], 2, &[&name]);
        mentions(&err, &[&name, key, "must be in", range]);
        located(&err, &name, line_of(&text, new.trim()));
    }
}

#[test]
fn bounds_apply_to_set_and_to_events() {
    let tmp = TempDir::new().unwrap();
    let f = fixture().display().to_string();
    let err = run_fails(&tmp, &f, &["--set", "population.persons=1e308"], 2, &[]);
    mentions(
        &err,
        &[
            "--set population.persons=1e308",
            "population.persons = 1e308 must be in [0, 1000000000]",
        ],
    );
    let (p, text) = appended(
        &tmp,
        "e2e_event_big.toml",
        "[[event]]\nmonth = 6\nset = { \"destination.italy.wage_usd\" = 1e308 }\n",
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_event_big.toml"]);
    mentions(
        &err,
        &[
            "event of month 6",
            "destination.italy.wage_usd = 1e308 must be in [0, 10000000]",
        ],
    );
    located(&err, "e2e_event_big.toml", text.lines().count());
}

#[test]
fn an_empty_pool_is_refused() {
    let tmp = TempDir::new().unwrap();
    let text = edit(
        &edit(&fixture_text(), "persons = 1_000_000", "persons = 0"),
        "entries_per_year = 50_000",
        "entries_per_year = 0",
    );
    let p = write(tmp.path(), "e2e_empty.toml", &text);
    let err = run_fails(&tmp, &p.display().to_string(), &[], 2, &["e2e_empty.toml"]);
    mentions(&err, &["population.persons = 0", "the pool is empty"]);
    located(&err, "e2e_empty.toml", line_of(&text, "persons = 0"));
}

#[test]
fn a_route_of_300_legs_is_refused() {
    let tmp = TempDir::new().unwrap();
    let legs = vec!["\"dhaka-saudi\""; 300].join(", ");
    let new = format!("legs = [{legs}]\nfee_usd = 4500");
    let (p, text) = edited(
        &tmp,
        "e2e_long_route.toml",
        "legs = [\"dhaka-saudi\"]\nfee_usd = 4500",
        &new,
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_long_route.toml"]);
    mentions(
        &err,
        &["route.saudi.legs has 300 legs", "a route has at most 64"],
    );
    located(
        &err,
        "e2e_long_route.toml",
        line_of(&text, "legs = [\"dhaka-saudi\", "),
    );
}

#[test]
fn events_before_the_first_simulated_month_are_refused() {
    // The fixture starts in 2022-01 after 12 spin-up months: the first simulated month is 2021-01.
    for (k, when, needles) in [
        (
            "date",
            "date = \"2020-12\"",
            &["event of 2020-12 is before the first simulated month 2021-01"][..],
        ),
        (
            "minus",
            "month = -5",
            &["event month = -5 must be at least 1"][..],
        ),
        (
            "zero",
            "month = 0",
            &["event month = 0 must be at least 1"][..],
        ),
    ] {
        // A folder of its own: nothing but the scenario may be left in it.
        let tmp = TempDir::new().unwrap();
        let name = format!("e2e_early_{k}.toml");
        let (p, text) = appended(
            &tmp,
            &name,
            &format!("[[event]]\n{when}\nset = {{ \"exit.p_escape\" = 0.1 }}\n"),
        );
        let err = run_fails(&tmp, &p, &[], 2, &[&name]);
        mentions(&err, needles);
        located(&err, &name, line_of(&text, when));
    }
}

/// An event may not change what is read only when a replicate's world is created, nor a route
/// people may be travelling on: the engine would ignore the change, or strand people on legs that
/// no longer exist. Each is refused where it is written.
#[test]
fn events_may_not_change_the_structure_of_the_world() {
    for (k, set, why) in [
        (
            "count",
            "\"recruiter.agency.count\" = 1000",
            "recruiters are created",
        ),
        (
            "districts",
            "\"recruiter.agency.districts\" = []",
            "recruiters are created",
        ),
        (
            "persons",
            "\"population.persons\" = 1e9",
            "the pool is drawn from it",
        ),
        (
            "legs",
            "\"route.libya-italy.legs\" = [\"dhaka-libya\"]",
            "people may be on the way along it",
        ),
        (
            "rename",
            "\"district.border.id\" = \"zzz\"",
            "ids are fixed",
        ),
    ] {
        let tmp = TempDir::new().unwrap();
        let name = format!("e2e_structural_{k}.toml");
        let (p, text) = appended(
            &tmp,
            &name,
            &format!("[[event]]\nmonth = 2\nset = {{ {set} }}\n"),
        );
        let err = run_fails(&tmp, &p, &[], 2, &[&name]);
        mentions(&err, &["cannot be changed by an event", why]);
        // The event is the last thing in the file; its `set` is the last line.
        located(&err, &name, text.lines().count());
    }
}

#[test]
fn observed_bands_must_be_ordered_and_finite() {
    for (k, band, needle) in [
        (
            "order",
            "band = [0.5, 0.1]",
            "observed.target.T3.band = [0.5, 0.1] must be [low, high] with low <= high",
        ),
        (
            "nan",
            "band = [nan, 0.1]",
            "observed.target.T3.band = [nan, 0.1] must be two finite numbers",
        ),
    ] {
        // A folder of its own: nothing but the scenario may be left in it.
        let tmp = TempDir::new().unwrap();
        let name = format!("e2e_band_{k}.toml");
        let fields = format!("metric = \"women_share\"\nperiod = \"2023\"\ntarget = 0.3\n{band}");
        let (p, text) = appended(&tmp, &name, &target("T3", &fields));
        let err = run_fails(&tmp, &p, &[], 2, &[&name]);
        mentions(&err, &[needle]);
        located(&err, &name, line_of(&text, band));
    }
}

#[test]
fn observed_ids_are_unique() {
    let tmp = TempDir::new().unwrap();
    let fields = "metric = \"women_share\"\nperiod = \"any\"\ntarget = 0.3\nband = [0.2, 0.4]";
    let (p, text) = appended(
        &tmp,
        "e2e_obs_ids.toml",
        &format!("{}{}", target("T3", fields), target("T3", fields)),
    );
    let err = run_fails(&tmp, &p, &[], 2, &["e2e_obs_ids.toml"]);
    mentions(&err, &["observed.target.T3.id = \"T3\" is used twice"]);
    located(
        &err,
        "e2e_obs_ids.toml",
        nth_line_of(&text, "id = \"T3\"", 1),
    );
}

#[test]
fn an_unknown_observed_metric_is_refused_before_the_run() {
    let tmp = TempDir::new().unwrap();
    let fields = "metric = \"departure_share\"\nby = \"destination\"\nlevel = \"mars\"\nperiod = \"2023\"\ntarget = 0.3\nband = [0.2, 0.4]";
    let (p, text) = appended(&tmp, "e2e_obs_metric.toml", &target("T2_mars", fields));
    // The default size of the fixture: the refusal comes before any simulation.
    let err = run_fails(
        &tmp,
        &p,
        &["--agents", "20000", "--replicates", "4"],
        2,
        &["e2e_obs_metric.toml"],
    );
    mentions(
        &err,
        &[
            "observed.target.T2_mars.metric = \"departure_share\" (by = \"destination\", level = \"mars\")",
            "destination \"mars\", which is not a [[destination]]; destinations: saudi_arabia, italy, india",
        ],
    );
    located(
        &err,
        "e2e_obs_metric.toml",
        line_of(&text, "metric = \"departure_share\""),
    );
    assert!(
        !tmp.path().join("out").exists(),
        "the output folder was created"
    );

    // The same through `check`, and an observed period outside the horizon.
    let fields = "metric = \"women_share\"\nperiod = \"2030\"\ntarget = 0.3\nband = [0.2, 0.4]";
    let (p, text) = appended(&tmp, "e2e_obs_period.toml", &target("T3", fields));
    let r = crate::support::run_in(tmp.path(), &["check", &p]);
    check_failure(&r, 2, "crossroads check e2e_obs_period.toml");
    mentions(
        &r.stderr,
        &[
            "observed.target.T3.period = \"2030\" is outside the reported months",
            "2022 to 2024",
        ],
    );
    located(
        &r.stderr,
        "e2e_obs_period.toml",
        line_of(&text, "period = \"2030\""),
    );
}

#[test]
fn an_extending_file_may_not_repeat_an_id() {
    let tmp = TempDir::new().unwrap();
    write(tmp.path(), "e2e_parent.toml", &fixture_text());
    let child = "extends = \"e2e_parent.toml\"\n\n[[destination]]\nid = \"italy\"\njobs_per_month = 10\n\n[[destination]]\nid = \"italy\"\njobs_per_month = 20\n";
    let p = write(tmp.path(), "e2e_child.toml", child);
    let err = run_fails(
        &tmp,
        &p.display().to_string(),
        &[],
        2,
        &["e2e_parent.toml", "e2e_child.toml"],
    );
    mentions(
        &err,
        &[
            "destination.italy.id = \"italy\" is used twice: ids must be unique among the [[destination]] entries",
        ],
    );
    located(&err, "e2e_child.toml", 8);
}

/// `crossroads check path` with a time limit: a hang fails the test instead of blocking it.
fn check_within(cwd: &Path, path: &str) -> Ran {
    let out = crossroads()
        .current_dir(cwd)
        .args(["check", path])
        .timeout(Duration::from_secs(30))
        .output()
        .expect("spawn crossroads");
    Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn a_fifo_as_scenario_is_refused_without_waiting() {
    let tmp = TempDir::new().unwrap();
    let fifo = tmp.path().join("e2e_fifo.toml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo");
    assert!(made.success(), "mkfifo failed");
    let r = check_within(tmp.path(), "e2e_fifo.toml");
    check_failure(&r, 2, "crossroads check e2e_fifo.toml");
    mentions(&r.stderr, &["e2e_fifo.toml", "is not a regular file"]);
    let err = run_fails(&tmp, "e2e_fifo.toml", &[], 2, &["e2e_fifo.toml"]);
    mentions(&err, &["e2e_fifo.toml", "is not a regular file"]);
    // As the parent of a scenario, too.
    write(tmp.path(), "e2e_kid.toml", "extends = \"e2e_fifo.toml\"\n");
    let r = check_within(tmp.path(), "e2e_kid.toml");
    check_failure(&r, 2, "crossroads check e2e_kid.toml");
    mentions(&r.stderr, &["e2e_kid.toml:1:1", "is not a regular file"]);
}

#[test]
fn an_oversized_scenario_is_refused() {
    let tmp = TempDir::new().unwrap();
    // The fixture followed by 9 MiB of comments: valid TOML, too large to be read.
    let mut text = fixture_text();
    let line = format!("# {}\n", "x".repeat(1022));
    text.push_str(&line.repeat(9 * 1024));
    write(tmp.path(), "e2e_big.toml", &text);
    let err = run_fails(&tmp, "e2e_big.toml", &[], 2, &["e2e_big.toml"]);
    mentions(
        &err,
        &[
            "e2e_big.toml",
            "an input file may be at most 8388608 bytes (8 MiB)",
        ],
    );
}

#[test]
fn the_metric_names_observed_data_may_use_are_those_of_outcomes_csv() {
    // The loader checks `[observed]` against a list of names; the run writes the metrics. The two
    // must agree, for the fixture's destinations and transit locations too.
    let out = crate::support::Sim::new()
        .agents(2000)
        .replicates(1)
        .months(12)
        .run();
    let written: std::collections::BTreeSet<String> =
        crate::support::read_outcomes(&out.dir.join("outcomes.csv"))
            .into_keys()
            .collect();
    let loaded = crossroads::scenario::load(&fixture(), &[]).expect("the fixture loads");
    let known: std::collections::BTreeSet<String> =
        crossroads::scenario::known_metrics(&loaded.scenario)
            .into_iter()
            .map(|k| k.to_string())
            .collect();
    assert_eq!(known, written, "{}", out.command);
    assert!(
        known.iter().any(|m| m.starts_with("via_share[")),
        "the fixture has a transit location"
    );
}

/// Each month with events copies the whole scenario while loading: events in many months of a
/// scenario with very many entities are refused at once, with the figures, instead of
/// exhausting the machine's memory.
#[test]
fn events_in_many_months_of_a_huge_scenario_are_refused_before_they_are_built() {
    let tmp = TempDir::new().unwrap();
    let mut extra = String::new();
    for i in 0..30_000 {
        extra.push_str(&format!(
            "[[district]]\nid = \"empty_{i}\"\npool_share = 0\nurban_share = 0\nincome_factor = 1\nties_share = 0\np_broker_offer = 0\n"
        ));
    }
    for m in 1..=36 {
        extra.push_str(&format!(
            "[[event]]\nmonth = {m}\nset = {{ \"exit.p_escape\" = 0.0{} }}\n",
            m % 9 + 1
        ));
    }
    let name = "e2e_many_epochs.toml";
    let (p, _) = appended(&tmp, name, &extra);
    let err = run_fails(&tmp, &p, &[], 2, &[name]);
    mentions(
        &err,
        &[
            "events in 36 different months over",
            "gather the events into fewer months",
        ],
    );
}
