//! Configuration files of `calibrate` and `sweep`: read as a scenario is (a regular file of
//! bounded size, UTF-8), parsed as TOML, with errors as one line that names the file and, for a
//! TOML error, the line and column.

use super::Error;
use crate::scenario::line_col;
use serde::de::DeserializeOwned;
use std::path::Path;

/// A configuration file parsed, with its text.
pub fn read_toml<T: DeserializeOwned>(path: &Path) -> Result<(T, String), Error> {
    let at = path.display();
    let bytes =
        crate::scenario::read_input(path).map_err(|e| Error::Input(format!("{at}: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| Error::Input(format!("{at}: is not UTF-8 text")))?;
    let value: T = toml::from_str(&text).map_err(|e| Error::Input(toml_error(path, &text, &e)))?;
    Ok((value, text))
}

/// A TOML error as one line: `file:line:col: message` (1-based; columns in characters).
fn toml_error(path: &Path, text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim().replace('\n', "; ");
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("{}:{line}:{col}: {message}", path.display())
        }
        None => format!("{}: {message}", path.display()),
    }
}

/// A message of a configuration's own checks as one line naming the file and, where the
/// message starts with one of the file's top-level keys (`levels has no meaning ...`,
/// `replicates = 0: ...`), that key's line and column.
pub fn check_error(path: &Path, text: &str, msg: &str) -> String {
    let key: String = msg
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let offset = toml::de::DeTable::parse(text).ok().and_then(|t| {
        t.get_ref()
            .get_key_value(key.as_str())
            .map(|(k, _)| k.span().start)
    });
    match offset {
        Some(o) if !key.is_empty() => {
            let (line, col) = line_col(text, o);
            format!("{}:{line}:{col}: {msg}", path.display())
        }
        _ => format!("{}: {msg}", path.display()),
    }
}

/// Check that a scenario file a configuration names can be read, before it is loaded. One that
/// cannot (missing, a folder, not UTF-8 text, empty, too large) is the configuration's mistake,
/// and is named as the loader names the target of an `extends`: the configuration, the line and
/// column where it names the file, the key and its value, then the file and what is wrong:
/// `sweep.toml:1:1: baseline = "nosuch.toml": runs/nosuch.toml: no such file`.
///
/// `keys` are the names the key may be written under (the first the file holds is named);
/// `entry` is the file's index in the key's list (`scenarios = [...]`), or `None` for a key of
/// one file; `value` is the file as written and `path` as resolved against the configuration's
/// folder.
pub fn check_scenario_file(
    config: &Path,
    text: &str,
    keys: &[&str],
    entry: Option<usize>,
    value: &str,
    path: &Path,
) -> Result<(), Error> {
    let Err(why) = crate::scenario::read_scenario_text(path) else {
        return Ok(());
    };
    let table = toml::de::DeTable::parse(text).ok();
    let written = table
        .as_ref()
        .and_then(|t| keys.iter().find_map(|k| t.get_ref().get_key_value(*k)));
    let key = written.map_or(keys.first().copied().unwrap_or_default(), |(k, _)| {
        k.get_ref().as_ref()
    });
    // The key's line, or for an entry of its list the entry's own.
    let offset = written.and_then(|(k, v)| match (entry, v.get_ref()) {
        (None, _) => Some(k.span().start),
        (Some(i), toml::de::DeValue::Array(a)) => a.get(i).map(|e| e.span().start),
        (Some(_), _) => None,
    });
    let named = match entry {
        None => format!("{key} = {value:?}"),
        Some(i) => format!("{key} entry {} = {value:?}", i + 1),
    };
    let at = match offset {
        Some(o) => {
            let (line, col) = line_col(text, o);
            format!("{}:{line}:{col}", config.display())
        }
        None => config.display().to_string(),
    };
    Err(Error::Input(format!(
        "{at}: {named}: {}: {why}",
        path.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calibrate::Config;

    #[test]
    fn toml_errors_are_one_line_with_line_and_column() {
        let text = "scenario = \"x.toml\"\npoints = = 3\n";
        let e = toml::from_str::<Config>(text).unwrap_err();
        let msg = toml_error(Path::new("c.toml"), text, &e);
        assert!(msg.starts_with("c.toml:2:"), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
        assert_eq!(line_col("ab\ncé d", 7), (2, 4));
        assert_eq!(line_col("\u{feff}ab", 4), (1, 2));
    }

    #[test]
    fn a_scenario_file_that_cannot_be_read_is_named_where_the_configuration_names_it() {
        let dir = tempfile::TempDir::new().unwrap();
        let here = dir.path().join("here.toml");
        std::fs::write(&here, "name = \"here\"\n").unwrap();
        let gone = dir.path().join("gone.toml");
        let cfg = Path::new("s.toml");
        let check = |text: &str, keys: &[&str], entry, value: &str, path: &Path| {
            check_scenario_file(cfg, text, keys, entry, value, path).map_err(|e| e.to_string())
        };
        let text = "# a sweep\nscenario = \"gone.toml\"\nscenarios = [\n  \"here.toml\",\n  \"gone.toml\",\n]\n";
        // The key as written (`scenario`, the alias of `baseline`), at its line.
        assert_eq!(
            check(text, &["baseline", "scenario"], None, "gone.toml", &gone),
            Err(format!(
                "s.toml:2:1: scenario = \"gone.toml\": {}: no such file",
                gone.display()
            ))
        );
        // An entry of a list, at the entry's own line.
        assert_eq!(
            check(text, &["scenarios"], Some(1), "gone.toml", &gone),
            Err(format!(
                "s.toml:5:3: scenarios entry 2 = \"gone.toml\": {}: no such file",
                gone.display()
            ))
        );
        assert!(check(text, &["scenarios"], Some(0), "here.toml", &here).is_ok());
        // A folder, or an empty file, is named the same way, with what is wrong with it.
        let e = check(text, &["scenario"], None, ".", dir.path()).unwrap_err();
        assert!(
            e.starts_with("s.toml:2:1: scenario = \".\": ")
                && e.ends_with("is a directory, not a scenario file"),
            "{e}"
        );
        std::fs::write(&here, " \n").unwrap();
        let e = check(text, &["scenarios"], Some(0), "here.toml", &here).unwrap_err();
        assert!(
            e.starts_with("s.toml:4:3: scenarios entry 1 = \"here.toml\": ")
                && e.contains(": is empty;"),
            "{e}"
        );
    }

    #[test]
    fn a_check_naming_a_top_level_key_points_at_its_line() {
        let text = "design = \"sobol\"\nn = 4\nlevels = 4\n";
        let msg = "levels has no meaning for design = \"sobol\"";
        assert_eq!(
            check_error(Path::new("s.toml"), text, msg),
            format!("s.toml:3:1: {msg}")
        );
        // A message that names no key of the file keeps the file alone.
        let other = "no [[parameter]] to vary";
        assert_eq!(
            check_error(Path::new("s.toml"), text, other),
            format!("s.toml: {other}")
        );
    }
}
