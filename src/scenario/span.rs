//! Where each piece of text came from. Every source (a scenario file, or one `--set KEY=VALUE`
//! argument) gets its own range of one global byte-offset space, so that a span in the merged
//! scenario says both which source and where in it: `file:line:col`, or `--set KEY=VALUE`.

use std::ops::Range;
use std::path::PathBuf;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// What a source is.
#[derive(Debug, Clone)]
pub(crate) enum Label {
    /// A scenario file, as the user (or the `extends` chain) named it.
    File(PathBuf),
    /// One `KEY=VALUE` override given on the command line, with the option that gave it
    /// (`--set`, or `--what-if` for a compared variant of the baseline); the text is the
    /// argument itself.
    Set(&'static str),
}

#[derive(Debug, Clone)]
struct Source {
    label: Label,
    base: usize,
    text: String,
}

/// All the texts a scenario was read from, each at its own offset.
#[derive(Debug, Clone, Default)]
pub(crate) struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    /// Add a source; returns its index.
    pub(crate) fn add(&mut self, label: Label, text: String) -> usize {
        let base = self.sources.last().map_or(0, |s| s.base + s.text.len() + 1);
        self.sources.push(Source { label, base, text });
        self.sources.len() - 1
    }

    pub(crate) fn text(&self, i: usize) -> &str {
        &self.sources[i].text
    }

    /// The option that gave source `i`, for an override (`--set`, `--what-if`).
    pub(crate) fn flag(&self, i: usize) -> &'static str {
        match self.sources[i].label {
            Label::Set(flag) => flag,
            Label::File(_) => "--set",
        }
    }

    pub(crate) fn base(&self, i: usize) -> usize {
        self.sources[i].base
    }

    fn find(&self, pos: usize) -> Option<&Source> {
        self.sources
            .iter()
            .rev()
            .find(|s| s.base <= pos && pos <= s.base + s.text.len())
    }

    /// Whether a global offset falls in a `--set KEY=VALUE` argument.
    pub(crate) fn is_set(&self, pos: usize) -> bool {
        self.find(pos)
            .is_some_and(|s| matches!(s.label, Label::Set(_)))
    }

    /// `file:line:col` (1-based, columns in characters) for a global offset, or `--set KEY=VALUE`.
    pub(crate) fn at(&self, pos: usize) -> String {
        let Some(s) = self.find(pos) else {
            return String::new();
        };
        match &s.label {
            Label::Set(flag) => format!("{flag} {}", s.text),
            Label::File(path) => {
                let (line, col) = line_col(&s.text, pos - s.base);
                format!("{}:{line}:{col}", path.display())
            }
        }
    }

    /// Which `[[event]]` of its file the offset falls in (1-based: the headers before it) and
    /// the file's name, if the offset is in a file.
    pub(crate) fn event_of(&self, pos: usize) -> Option<(usize, String)> {
        let s = self.find(pos)?;
        let Label::File(path) = &s.label else {
            return None;
        };
        // Up to the end of the offset's line, which may be the header itself.
        let at = floor_char_boundary(&s.text, pos - s.base);
        let end = s.text[at..].find('\n').map_or(s.text.len(), |i| at + i);
        let before = &s.text[..end];
        let n = before
            .lines()
            .filter(|l| l.trim_start().starts_with("[[event]]"))
            .count();
        Some((n, path.display().to_string()))
    }

    /// The text a global span covers, if it is one short line.
    pub(crate) fn snippet(&self, span: &Range<usize>) -> Option<&str> {
        let s = self.find(span.start)?;
        let (a, b) = (span.start - s.base, span.end.checked_sub(s.base)?);
        let text = s.text.get(a..b)?.trim();
        (!text.is_empty() && !text.contains('\n') && text.chars().count() <= 60).then_some(text)
    }
}

/// 1-based line and column (in characters) of a byte offset of `text`, as an editor shows
/// them: a byte-order mark before the first line is no column.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .unwrap_or("")
        .trim_start_matches('\u{feff}')
        .chars()
        .count()
        + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn shift(span: Range<usize>, by: usize) -> Range<usize> {
    span.start + by..span.end + by
}

/// Move every span of a parsed document by `by` bytes (into its source's global range).
pub(crate) fn shift_table<'s>(t: Spanned<DeTable<'s>>, by: usize) -> Spanned<DeTable<'s>> {
    let span = shift(t.span(), by);
    Spanned::new(span, shift_entries(t.into_inner(), by))
}

fn shift_entries<'s>(t: DeTable<'s>, by: usize) -> DeTable<'s> {
    t.into_iter()
        .map(|(k, v)| {
            let ks = shift(k.span(), by);
            (Spanned::new(ks, k.into_inner()), shift_value(v, by))
        })
        .collect()
}

/// Move every span of a parsed value by `by` bytes.
pub(crate) fn shift_value<'s>(v: Spanned<DeValue<'s>>, by: usize) -> Spanned<DeValue<'s>> {
    let span = shift(v.span(), by);
    let inner = match v.into_inner() {
        DeValue::Table(t) => DeValue::Table(shift_entries(t, by)),
        DeValue::Array(mut a) => {
            for e in a.iter_mut() {
                let old = std::mem::replace(e, Spanned::new(0..0, DeValue::Boolean(false)));
                *e = shift_value(old, by);
            }
            DeValue::Array(a)
        }
        other => other,
    };
    Spanned::new(span, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back_to_file_line_col_and_set_arguments() {
        let mut m = SourceMap::default();
        let a = m.add(Label::File("a.toml".into()), "x = 1\n  yé = 2\n".into());
        let b = m.add(Label::Set("--set"), "x=3".into());
        assert_eq!(m.at(m.base(a)), "a.toml:1:1");
        let pos = m.base(a) + m.text(a).find('=').unwrap();
        assert_eq!(m.at(pos), "a.toml:1:3");
        let pos = m.base(a) + m.text(a).rfind('=').unwrap();
        assert_eq!(m.at(pos), "a.toml:2:6");
        assert_eq!(m.at(m.base(b) + 2), "--set x=3");
        assert_eq!(m.snippet(&(m.base(b) + 2..m.base(b) + 3)), Some("3"));
        // A file that starts with a byte-order mark: its first line's columns as shown.
        let c = m.add(Label::File("c.toml".into()), "\u{feff}x = = 1\n".into());
        let pos = m.base(c) + m.text(c).find('=').unwrap();
        assert_eq!(m.at(pos), "c.toml:1:3");
    }

    #[test]
    fn shifting_moves_every_span() {
        let t = DeTable::parse("a = 1\n[b]\nc = [1, {d = 2}]\n").unwrap();
        let t = shift_table(t, 100);
        let b = t.get_ref().get("b").unwrap();
        assert_eq!(b.span().start, 106);
        let DeValue::Table(bt) = b.get_ref() else {
            panic!()
        };
        let (ck, cv) = bt.get_key_value("c").unwrap();
        assert_eq!(ck.span(), 110..111);
        let DeValue::Array(arr) = cv.get_ref() else {
            panic!()
        };
        assert_eq!(arr[1].span().start, 118);
    }
}
