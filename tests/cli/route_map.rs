//! `crossroads map`: the route network drawn from the scenario itself. The baseline's picture
//! names every location and leg, is the same on every run, and is the one committed as
//! docs/routes.svg; bad input is refused as `check` refuses it (exit code 2, the same message,
//! nothing written); a file crossroads did not write is never replaced.

use crate::bad_input::check_failure;
use crate::support::{baseline, edit, fixture_text, run_in, write};
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const REGENERATE: &str = "cargo run --release -- map scenarios/baseline.toml --out docs/routes.svg";

/// The contents of the picture's `<text>` elements, trimmed.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| {
            let body = &t[t.find('>')? + 1..];
            Some(body[..body.find("</text>")?].trim().to_string())
        })
        .collect()
}

/// The text of the element `tag` (its first one).
fn element<'a>(svg: &'a str, tag: &str) -> &'a str {
    let open = svg
        .find(&format!("<{tag}"))
        .unwrap_or_else(|| panic!("no <{tag}> in the picture"));
    let body = &svg[open..];
    let start = body.find('>').unwrap() + 1;
    let end = body
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("<{tag}> is not closed"));
    &body[start..end]
}

fn map(cwd: &Path, scenario: &Path, extra: &[&str]) -> crate::support::Ran {
    let s = scenario.display().to_string();
    let mut args = vec!["map", s.as_str()];
    args.extend_from_slice(extra);
    run_in(cwd, &args)
}

#[test]
fn the_baseline_map_shows_every_location_and_leg_and_is_the_committed_one() {
    let tmp = TempDir::new().unwrap();
    let r = map(tmp.path(), &baseline(), &["--out", "routes.svg"]);
    assert_eq!(r.code, Some(0), "crossroads map failed:\n{}", r.stderr);
    assert!(r.stdout.contains("wrote routes.svg"), "{}", r.stdout);
    let svg = fs::read_to_string(tmp.path().join("routes.svg")).unwrap();
    assert!(svg.starts_with("<svg "), "not an SVG file");
    assert!(svg.trim_end().ends_with("</svg>"), "the SVG is not closed");

    let loaded = crossroads::scenario::load(&baseline(), &[]).expect("the baseline loads");
    let s = &loaded.scenario;
    let shown = texts(&svg);
    let desc = element(&svg, "desc");
    let title = element(&svg, "title");
    assert!(title.contains("baseline"), "{title}");
    assert!(svg.contains("role=\"img\""));
    for l in &s.locations {
        assert!(
            shown.contains(&l.id),
            "location {} is not labelled in the picture",
            l.id
        );
    }
    for l in &s.legs {
        let said = format!("{}: {} to {} by ", l.id, l.from, l.to);
        assert!(
            desc.contains(&said),
            "leg {} is not described in the picture ({said:?})",
            l.id
        );
    }
    for r in &s.routes {
        assert!(
            desc.contains(&format!("{} (", r.id)),
            "route {} missing",
            r.id
        );
    }
    // A leg's hazards are on its label: the Libyan sea crossing's deaths, for one.
    assert!(shown.contains(&"death 1%".to_string()), "{shown:?}");
    assert!(desc.contains("libya-italy: libya to italy by sea, not legal, death 1%"));

    // The same bytes every time, replacing the earlier picture.
    let r = map(tmp.path(), &baseline(), &["--out", "routes.svg"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let again = fs::read_to_string(tmp.path().join("routes.svg")).unwrap();
    assert!(again == svg, "two runs gave different pictures");
    let left: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["routes.svg"], "nothing but the picture is left");

    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/routes.svg");
    let committed = fs::read_to_string(&docs).unwrap_or_default();
    assert!(
        committed == svg,
        "docs/routes.svg is not the picture of scenarios/baseline.toml; regenerate it with\n    {REGENERATE}"
    );
}

#[test]
fn without_out_the_map_is_routes_svg_here() {
    let tmp = TempDir::new().unwrap();
    let r = map(tmp.path(), &baseline(), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(tmp.path().join("routes.svg").is_file());
    // --set changes what is drawn, as it changes what runs.
    let r = map(
        tmp.path(),
        &baseline(),
        &["--out", "set.svg", "--set", "leg.libya-italy.p_death=0.02"],
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let svg = fs::read_to_string(tmp.path().join("set.svg")).unwrap();
    assert!(texts(&svg).contains(&"death 2%".to_string()));
}

#[test]
fn a_missing_scenario_is_refused_and_nothing_is_written() {
    let tmp = TempDir::new().unwrap();
    let r = map(tmp.path(), Path::new("no_such.toml"), &["--out", "x.svg"]);
    check_failure(&r, 2, "crossroads map no_such.toml --out x.svg");
    assert!(r.stderr.contains("no_such.toml"), "{}", r.stderr);
    assert!(!tmp.path().join("x.svg").exists());
}

#[test]
fn a_bad_scenario_is_refused_as_check_refuses_it() {
    let tmp = TempDir::new().unwrap();
    let bad = edit(&fixture_text(), "mode = \"sea\"", "mode = \"rail\"");
    let path = write(tmp.path(), "bad.toml", &bad);
    let r = map(tmp.path(), &path, &["--out", "x.svg"]);
    check_failure(&r, 2, "crossroads map bad.toml --out x.svg");
    assert!(
        r.stderr.contains("bad.toml") && r.stderr.contains("rail"),
        "{}",
        r.stderr
    );
    let checked = run_in(tmp.path(), &["check", &path.display().to_string()]);
    assert_eq!(checked.code, Some(2));
    assert_eq!(
        r.stderr, checked.stderr,
        "map and check differ on bad input"
    );
    // A bad override, too.
    let good = crate::support::fixture().display().to_string();
    let set = ["--set", "leg.libya-italy.p_death=2"];
    let r = run_in(
        tmp.path(),
        &["map", &good, "--out", "x.svg", set[0], set[1]],
    );
    check_failure(
        &r,
        2,
        "crossroads map small.toml --set leg.libya-italy.p_death=2",
    );
    let checked = run_in(tmp.path(), &["check", &good, set[0], set[1]]);
    assert_eq!(checked.code, Some(2));
    assert_eq!(r.stderr, checked.stderr);
    assert!(r.stderr.contains("p_death"), "{}", r.stderr);
    assert!(!tmp.path().join("x.svg").exists());
}

#[test]
fn a_file_crossroads_did_not_write_is_never_replaced() {
    let tmp = TempDir::new().unwrap();
    let notes = write(tmp.path(), "notes.svg", "<svg>my own drawing</svg>");
    let r = map(tmp.path(), &baseline(), &["--out", "notes.svg"]);
    check_failure(&r, 2, "crossroads map baseline.toml --out notes.svg");
    assert!(
        r.stderr.contains("notes.svg") && r.stderr.contains("not a route map crossroads wrote"),
        "{}",
        r.stderr
    );
    assert_eq!(
        fs::read_to_string(&notes).unwrap(),
        "<svg>my own drawing</svg>"
    );
    let r = map(tmp.path(), &baseline(), &["--out", "."]);
    check_failure(&r, 2, "crossroads map baseline.toml --out .");
    // A path written as a folder is not taken for a file of that name.
    let r = map(tmp.path(), &baseline(), &["--out", "maps/"]);
    check_failure(&r, 2, "crossroads map baseline.toml --out maps/");
    assert!(r.stderr.contains("maps/routes.svg"), "{}", r.stderr);
    assert!(!tmp.path().join("maps").exists());
    let r = map(tmp.path(), &baseline(), &["--out", "sub/dir/routes.svg"]);
    assert_eq!(r.code, Some(0), "a new folder is made: {}", r.stderr);
}
