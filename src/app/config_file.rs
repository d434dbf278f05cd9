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
