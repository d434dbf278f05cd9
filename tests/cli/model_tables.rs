//! docs/MODEL.md section 4 against `scenarios/baseline.toml`: every value its tables of single
//! keys (sections 4.1 to 4.7, the run and the tables `[population]` to `[policy.*]`) and its
//! table of recruiters (section 4.13, one column per `[[recruiter]]` entry) give for a key is
//! the value the file holds, and every key they name is in the file. So a change of the baseline
//! that leaves the page behind fails here, naming the row.
//!
//! A row names one key or several (`a`, `b`: the later ones in the first one's table) and gives
//! one value for all of them or one each, separated by ", ". Numbers may have thousands
//! separators; a value may be followed by a remark in brackets; `[]` is an empty list. Rows whose
//! value the file does not hold (`not in the file`, or "—" in the recruiters' table; there, a key an
//! entry leaves out has its default, but some entry must have it) and lists of names are not
//! compared; "yes" and "no" are true and false.

use crate::support::baseline;
use std::fs;
use std::path::Path;

/// The value of `path` (dotted) in `table`, if the file has it.
fn lookup<'a>(table: &'a toml::Table, path: &str) -> Option<&'a toml::Value> {
    let mut parts = path.split('.');
    let mut value = table.get(parts.next()?)?;
    for part in parts {
        value = value.as_table()?.get(part)?;
    }
    Some(value)
}

/// The table a section's bare keys belong to, from its heading: `[population]` in
/// "### 4.2 `[population]`"; none for the run's section or one that names several tables.
fn section_table(heading: &str) -> Option<String> {
    let open = heading.find("`[")?;
    let close = heading[open..].find("]`")? + open;
    let name = &heading[open + 2..close];
    (!heading[close..].contains("`[") && !name.contains('*')).then(|| name.to_string())
}

/// Where a key of a row may be in the file: in its section's table, as written, or under
/// `policy` (section 4.7 writes `recruitment.fee_cap_usd` for `policy.recruitment.fee_cap_usd`).
fn resolve<'a>(
    file: &'a toml::Table,
    section: Option<&str>,
    key: &str,
) -> Option<(String, &'a toml::Value)> {
    let mut candidates = Vec::new();
    if let Some(s) = section {
        candidates.push(format!("{s}.{key}"));
    }
    candidates.push(key.to_string());
    candidates.push(format!("policy.{key}"));
    candidates
        .into_iter()
        .find_map(|c| lookup(file, &c).map(|v| (c, v)))
}

/// Whether the page's text for one value says what the file holds. `None` when the text is not
/// one the test compares (a list of names).
fn agrees(text: &str, value: &toml::Value) -> Option<bool> {
    // The value without its remark: "[] (all)" is "[]", "0 (no limit)" is "0".
    let text = text
        .split(" (")
        .next()
        .unwrap_or(text)
        .trim()
        .trim_matches('`');
    match value {
        toml::Value::Integer(i) => Some(number(text) == Some(*i as f64)),
        toml::Value::Float(x) => {
            Some(number(text).is_some_and(|y| (y - x).abs() <= 1e-12 * x.abs().max(1.0)))
        }
        toml::Value::Boolean(b) => {
            Some(text == b.to_string() || text == ["no", "yes"][*b as usize])
        }
        toml::Value::String(s) => Some(text == s),
        toml::Value::Array(a) if a.is_empty() => Some(text == "[]"),
        _ => None,
    }
}

/// A number as the page writes it: thousands separated by commas, a minus sign as "−" or "-".
fn number(text: &str) -> Option<f64> {
    text.replace(',', "").replace('−', "-").parse().ok()
}

/// The rows of single keys in sections 4.1 to 4.7: (section heading, keys, value cell).
fn rows(page: &str) -> Vec<(String, Vec<String>, String)> {
    let start = page
        .find("## 4. Parameters of the baseline")
        .expect("docs/MODEL.md has section 4");
    let end = page[start..]
        .find("### 4.8")
        .map(|e| start + e)
        .expect("docs/MODEL.md has section 4.8");
    let mut heading = String::new();
    let mut out = Vec::new();
    for line in page[start..end].lines() {
        if line.starts_with("### ") {
            heading = line.to_string();
            continue;
        }
        let Some(rest) = line.strip_prefix("| `") else {
            continue;
        };
        let cells: Vec<&str> = rest.split(" | ").collect();
        let keys: Vec<String> = cells[0]
            .split(", ")
            .map(|k| k.trim_matches('`').to_string())
            .collect();
        out.push((heading.clone(), keys, cells[1].trim().to_string()));
    }
    out
}

/// docs/MODEL.md, and scenarios/baseline.toml as a table.
fn page_and_file() -> (String, toml::Table) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = fs::read_to_string(root.join("docs/MODEL.md")).expect("read docs/MODEL.md");
    let file = toml::from_str(&fs::read_to_string(baseline()).expect("read baseline"))
        .expect("the baseline parses");
    (page, file)
}

/// Fails, naming every disagreement of section `section`, unless there is none and more than
/// `least` values were compared (so that a table the parser no longer reads cannot pass).
fn verdict(section: &str, wrong: &[String], compared: usize, least: usize) {
    assert!(
        wrong.is_empty(),
        "docs/MODEL.md section {section} disagrees with scenarios/baseline.toml:\n{}",
        wrong.join("\n")
    );
    assert!(
        compared > least,
        "section {section}: only {compared} values compared"
    );
}

#[test]
fn model_md_section_4_gives_the_baseline_files_values() {
    let (page, file) = page_and_file();
    let rows = rows(&page);
    assert!(
        rows.len() > 100,
        "only {} rows found in sections 4.1-4.7",
        rows.len()
    );
    let mut compared = 0;
    let mut wrong = Vec::new();
    for (heading, keys, cell) in &rows {
        if cell.contains("not in the file") {
            continue;
        }
        let section = section_table(heading);
        // Later keys of a row are in the first key's table.
        let prefix = keys[0].rsplit_once('.').map(|(t, _)| t.to_string());
        let texts: Vec<&str> = if keys.len() > 1 && cell.split(", ").count() == keys.len() {
            cell.split(", ").collect()
        } else {
            vec![cell.as_str(); keys.len()]
        };
        for (j, (key, text)) in keys.iter().zip(texts).enumerate() {
            let key = match (&prefix, j) {
                (Some(p), j) if j > 0 && !key.contains('.') => format!("{p}.{key}"),
                _ => key.clone(),
            };
            let Some((path, value)) = resolve(&file, section.as_deref(), &key) else {
                wrong.push(format!(
                    "{heading}: `{key}` is not in scenarios/baseline.toml"
                ));
                continue;
            };
            match agrees(text, value) {
                Some(true) => compared += 1,
                Some(false) => wrong.push(format!(
                    "{heading}: `{key}` is {text} on the page but {path} = {value} in the file"
                )),
                None => {}
            }
        }
    }
    verdict("4", &wrong, compared, 100);
}

#[test]
fn model_md_recruiters_table_gives_the_baseline_files_values() {
    let (page, file) = page_and_file();
    let entries = file["recruiter"].as_array().expect("[[recruiter]] entries");
    let start = page
        .find("### 4.13")
        .expect("docs/MODEL.md has section 4.13");
    let end = start + page[start..].find("### 4.14").expect("and section 4.14");
    let mut lines = page[start..end].lines().filter(|l| l.starts_with("| "));
    // The header: one column per entry, named by its id.
    let ids: Vec<String> = lines
        .next()
        .expect("the table's header")
        .split(" | ")
        .skip(1)
        .map(|c| {
            c.trim_matches(|ch| ch == '|' || ch == ' ')
                .split('`')
                .nth(1)
                .unwrap_or("")
                .to_string()
        })
        .collect();
    assert_eq!(
        ids.len(),
        entries.len(),
        "one column per [[recruiter]] entry: {ids:?}"
    );
    let mut compared = 0;
    let mut wrong = Vec::new();
    for line in lines.filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.trim_end_matches(" |").split(" | ").collect();
        let keys: Vec<&str> = cells[0]
            .trim_start_matches("| ")
            .split(", ")
            .map(|k| k.trim_matches('`'))
            .collect();
        for (id, cell) in ids.iter().zip(&cells[1..]) {
            let entry = entries
                .iter()
                .find(|e| e.get("id").and_then(|v| v.as_str()) == Some(id.as_str()))
                .and_then(|e| e.as_table())
                .unwrap_or_else(|| panic!("no [[recruiter]] with id {id}"));
            if cell.trim() == "—" {
                continue;
            }
            let texts: Vec<&str> = if keys.len() > 1 {
                cell.split(", ").collect()
            } else {
                vec![cell]
            };
            for (key, text) in keys.iter().zip(texts) {
                match entry.get(*key).map(|v| (v, agrees(text, v))) {
                    Some((_, Some(true))) => compared += 1,
                    Some((v, Some(false))) => wrong.push(format!(
                        "recruiter {id}: `{key}` is {text} on the page but {v} in the file"
                    )),
                    Some((_, None)) => {}
                    // The default, which the entry leaves out (`persons` 1, no `bases`): a key
                    // no entry has is caught below.
                    None => {}
                }
            }
        }
    }
    for line in page[start..end].lines().filter(|l| l.starts_with("| `")) {
        let keys = line
            .trim_start_matches("| ")
            .split(" | ")
            .next()
            .unwrap_or("");
        for key in keys.split(", ").map(|k| k.trim_matches('`')) {
            if !entries.iter().any(|e| e.get(key).is_some()) {
                wrong.push(format!("`{key}`: no [[recruiter]] entry has it"));
            }
        }
    }
    verdict("4.13", &wrong, compared, 60);
}

#[test]
fn a_changed_value_is_caught() {
    // The comparison itself: a page that says 0.06 where the file says 0.05 is refused, one that
    // says 20,300,000 for 20300000 is not.
    let file: toml::Table = toml::from_str("p = 0.05\nn = 20300000\nb = false\nl = []").unwrap();
    assert_eq!(agrees("0.06", &file["p"]), Some(false));
    assert_eq!(agrees("0.05", &file["p"]), Some(true));
    assert_eq!(agrees("20,300,000", &file["n"]), Some(true));
    assert_eq!(agrees("false", &file["b"]), Some(true));
    assert_eq!(agrees("[] (all)", &file["l"]), Some(true));
    assert_eq!(agrees("0 (no limit)", &file["n"]), Some(false));
}
