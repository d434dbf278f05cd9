//! Dotted key paths such as `destination.malaysia.jobs_per_month`: parsing them, and finding,
//! checking and setting them in a scenario table. After the name of an array of tables comes an
//! entry's `id`; `#N` (used internally) names the entry at index N instead.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// Split a dotted key into its segments. A segment may be double-quoted to hold dots.
pub(crate) fn parse(key: &str) -> Result<Vec<String>, String> {
    let mut segs = Vec::new();
    let mut chars = key.trim().chars().peekable();
    loop {
        let mut seg = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(c) => seg.push(c),
                    None => return Err(format!("`{key}` has an unclosed quote")),
                }
            }
            if !matches!(chars.peek(), None | Some('.')) {
                return Err(format!("`{key}` is not a dotted key"));
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                seg.push(c);
                chars.next();
            }
            seg = seg.trim().to_string();
        }
        if seg.is_empty() {
            return Err(format!("`{key}` is not a dotted key (an empty part)"));
        }
        segs.push(seg);
        match chars.next() {
            None => return Ok(segs),
            Some(_) => continue, // the '.'
        }
    }
}

/// The dotted form of segments, quoting any that hold a dot.
pub(crate) fn join(segs: &[String]) -> String {
    let quoted: Vec<Cow<str>> = segs
        .iter()
        .map(|s| {
            if s.contains('.') {
                Cow::Owned(format!("\"{s}\""))
            } else {
                Cow::Borrowed(s.as_str())
            }
        })
        .collect();
    quoted.join(".")
}

fn de_id<'a>(v: &'a DeValue<'_>) -> Option<&'a str> {
    match v {
        DeValue::Table(t) => match t.get("id").map(|v| v.get_ref()) {
            Some(DeValue::String(s)) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

fn de_index(a: &DeArray<'_>, seg: &str) -> Option<usize> {
    if let Some(n) = seg.strip_prefix('#') {
        return n.parse().ok().filter(|&i| i < a.len());
    }
    a.iter().position(|e| de_id(e.get_ref()) == Some(seg))
}

/// The span of where the deepest existing prefix of `segs` was written: the key, or for an
/// entry of an array of tables its `[[header]]`.
pub(crate) fn key_span(root: &Spanned<DeTable<'_>>, segs: &[String]) -> Range<usize> {
    let mut span = root.span();
    let mut node: Option<&DeValue> = None;
    let mut table = Some(root.get_ref());
    for seg in segs {
        let next = match (table, node) {
            (Some(t), _) => t.get_key_value(seg.as_str()).map(|(k, v)| (k.span(), v)),
            (None, Some(DeValue::Array(a))) => de_index(a, seg).map(|i| (a[i].span(), &a[i])),
            _ => None,
        };
        let Some((s, v)) = next else { break };
        span = s;
        node = Some(v.get_ref());
        table = match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => None,
        };
    }
    span
}

/// The first offset for which `is_set` holds among what a reference to the list of entities
/// `list` (a top-level array of tables) resolves against: the list's key and value, each entry,
/// and each entry's `id` and `kind` keys and values. `None` when no override touched them.
pub(crate) fn set_in_ids(
    root: &Spanned<DeTable<'_>>,
    list: &str,
    is_set: impl Fn(usize) -> bool,
) -> Option<usize> {
    let (k, v) = root.get_ref().get_key_value(list)?;
    let mut spans = vec![k.span().start, v.span().start];
    if let DeValue::Array(entries) = v.get_ref() {
        for e in entries {
            spans.push(e.span().start);
            if let DeValue::Table(t) = e.get_ref() {
                for key in ["id", "kind"] {
                    if let Some((k, v)) = t.get_key_value(key) {
                        spans.extend([k.span().start, v.span().start]);
                    }
                }
            }
        }
    }
    spans.into_iter().find(|&pos| is_set(pos))
}

/// The display path and key span of the deepest key, value or array entry written exactly at
/// `span` (what a deserialization error points at). A value an event applied is written in the
/// event too: the place it was applied to wins over the `[[event]]` entry.
pub(crate) fn at_span(
    root: &Spanned<DeTable<'_>>,
    span: &Range<usize>,
) -> Option<(String, Range<usize>)> {
    let mut best = (root.span() == *span).then(|| (String::new(), root.span()));
    let (events, rest): (Vec<_>, Vec<_>) = root
        .get_ref()
        .iter()
        .partition(|(k, _)| k.get_ref() == "event");
    for (k, v) in rest.into_iter().chain(events) {
        if best.as_ref().is_some_and(|(p, _)| !p.is_empty()) {
            break;
        }
        let path = child("", k.get_ref());
        if k.span() == *span || v.span() == *span {
            best = Some((path.clone(), k.span()));
        }
        walk_value(v.get_ref(), &path, span, &mut best);
    }
    best
}

fn child(prefix: &str, seg: &str) -> String {
    let seg = join(&[seg.to_string()]);
    if prefix.is_empty() {
        seg
    } else {
        format!("{prefix}.{seg}")
    }
}

fn walk_table(
    t: &DeTable<'_>,
    prefix: &str,
    span: &Range<usize>,
    best: &mut Option<(String, Range<usize>)>,
) {
    for (k, v) in t.iter() {
        let path = child(prefix, k.get_ref());
        if k.span() == *span || v.span() == *span {
            *best = Some((path.clone(), k.span()));
        }
        walk_value(v.get_ref(), &path, span, best);
    }
}

fn walk_value(
    v: &DeValue<'_>,
    path: &str,
    span: &Range<usize>,
    best: &mut Option<(String, Range<usize>)>,
) {
    match v {
        DeValue::Table(t) => walk_table(t, path, span, best),
        DeValue::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                let p = match de_id(e.get_ref()) {
                    Some(id) => child(path, id),
                    None => format!("{path}[{}]", i + 1),
                };
                if e.span() == *span {
                    *best = Some((p.clone(), e.span()));
                }
                walk_value(e.get_ref(), &p, span, best);
            }
        }
        _ => {}
    }
}

/// Set `segs` to `value` in `root`, the key written at `key_span`. Every segment but the last
/// must exist (check with [`check`] first).
pub(crate) fn set<'s>(
    root: &mut DeTable<'s>,
    segs: &[String],
    key_span: Range<usize>,
    value: Spanned<DeValue<'s>>,
) -> Result<(), String> {
    let (first, rest) = segs.split_first().ok_or("empty key")?;
    if rest.is_empty() {
        root.remove(first.as_str());
        root.insert(Spanned::new(key_span, Cow::Owned(first.clone())), value);
        return Ok(());
    }
    let next = root
        .get_mut(first.as_str())
        .ok_or_else(|| format!("no key {first}"))?;
    set_in(next.get_mut(), rest, key_span, value)
}

fn set_in<'s>(
    node: &mut DeValue<'s>,
    segs: &[String],
    key_span: Range<usize>,
    value: Spanned<DeValue<'s>>,
) -> Result<(), String> {
    match node {
        DeValue::Table(t) => set(t, segs, key_span, value),
        DeValue::Array(a) => {
            let i = de_index(a, &segs[0]).ok_or_else(|| format!("no entry {}", segs[0]))?;
            if segs.len() == 1 {
                a.as_mut()[i] = value;
                Ok(())
            } else {
                set_in(a.as_mut()[i].get_mut(), &segs[1..], key_span, value)
            }
        }
        _ => Err(format!("{} is not a table", segs[0])),
    }
}

/// Check that `segs` names a key of `full` (a scenario serialized with every default). The error
/// says what is allowed where the path goes wrong.
pub(crate) fn check(full: &toml::Table, segs: &[String], hidden: &[&str]) -> Result<(), String> {
    let mut here: &toml::Value = &toml::Value::Table(Default::default());
    let mut table = Some(full);
    for (n, seg) in segs.iter().enumerate() {
        let done = join(&segs[..n]);
        let next = match (table, here) {
            (Some(t), _) => match t
                .get(seg.as_str())
                .filter(|_| n > 0 || !hidden.contains(&seg.as_str()))
            {
                Some(v) => v,
                None => {
                    let mut keys: Vec<&str> = t
                        .keys()
                        .map(|k| k.as_str())
                        .filter(|k| n > 0 || !hidden.contains(k))
                        .collect();
                    keys.sort_unstable();
                    let allowed = keys.join(", ");
                    return Err(if n + 1 == segs.len() {
                        format!("no such key; allowed here: {allowed}")
                    } else if n == 0 {
                        format!("no such key: there is no `{seg}`; allowed at the top: {allowed}")
                    } else {
                        format!("no such key: `{done}` has no `{seg}`; allowed there: {allowed}")
                    });
                }
            },
            (None, toml::Value::Array(a))
                if a.iter()
                    .all(|e| e.get("id").and_then(|i| i.as_str()).is_some()) =>
            {
                match a
                    .iter()
                    .find(|e| e.get("id").and_then(|i| i.as_str()) == Some(seg.as_str()))
                {
                    Some(v) => v,
                    None => {
                        let ids: Vec<&str> =
                            a.iter().filter_map(|e| e.get("id")?.as_str()).collect();
                        return Err(format!(
                            "no such key: there is no `{done}` with id `{seg}`; ids: {}",
                            ids.join(", ")
                        ));
                    }
                }
            }
            (None, toml::Value::Array(_)) => {
                return Err(format!(
                    "no such key: `{done}` is an array of values; set it whole, e.g. {done}=[...]"
                ));
            }
            (None, _) => return Err(format!("no such key: `{done}` is a value, not a table")),
        };
        here = next;
        table = next.as_table();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(s: &str) -> Vec<String> {
        parse(s).unwrap()
    }

    #[test]
    fn parses_dotted_and_quoted_keys() {
        assert_eq!(
            segs("leg.dhaka-dubai.p_death"),
            ["leg", "dhaka-dubai", "p_death"]
        );
        assert_eq!(segs(r#"leg."a.b".p_death"#), ["leg", "a.b", "p_death"]);
        assert_eq!(join(&segs(r#"leg."a.b".p_death"#)), r#"leg."a.b".p_death"#);
        for bad in ["", "a..b", "a.", ".a", r#"a."b"#, r#"a."b"c"#] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    const DOC: &str =
        "x = 1\n[t]\ny = 2\n[[arr]]\nid = \"a\"\nz = 3\n[[arr]]\nid = \"b\"\nz = 4\nv = [1, 2]\n";

    #[test]
    fn finds_spans_by_path_and_paths_by_span() {
        let root = DeTable::parse(DOC).unwrap();
        let z = key_span(&root, &segs("arr.b.z"));
        assert_eq!(&DOC[z.clone()], "z");
        assert_eq!(z.start, DOC.rfind("z = 4").unwrap());
        assert_eq!(key_span(&root, &segs("arr.#1.z")), z);
        // A key that was never written: the deepest written prefix, here the entry's header.
        assert_eq!(&DOC[key_span(&root, &segs("arr.b.nope"))], "[[arr]]");
        let four = DOC.find('4').unwrap();
        assert_eq!(
            at_span(&root, &(four..four + 1)),
            Some(("arr.b.z".into(), z))
        );
        let y = DOC.find('y').unwrap();
        assert_eq!(at_span(&root, &(y..y + 1)).unwrap().0, "t.y");
    }

    #[test]
    fn sets_values_by_id() {
        let mut root = DeTable::parse(DOC).unwrap().into_inner();
        let v = DeValue::parse("9").unwrap();
        set(&mut root, &segs("arr.b.z"), 500..501, v).unwrap();
        let v = DeValue::parse("true").unwrap();
        set(&mut root, &segs("arr.a.w"), 600..601, v).unwrap();
        let t: toml::Table = serde::Deserialize::deserialize(toml::de::Deserializer::from(
            Spanned::new(0..0, root.clone()),
        ))
        .unwrap();
        assert_eq!(t["arr"][1]["z"].as_integer(), Some(9));
        assert_eq!(t["arr"][0]["w"].as_bool(), Some(true));
        let r = Spanned::new(0..0, root);
        assert_eq!(key_span(&r, &segs("arr.b.z")), 500..501);
    }

    #[test]
    fn check_names_what_is_allowed() {
        let full: toml::Table = toml::from_str(DOC).unwrap();
        assert!(check(&full, &segs("arr.a.z"), &[]).is_ok());
        assert!(check(&full, &segs("t"), &[]).is_ok());
        assert_eq!(
            check(&full, &segs("t.q"), &[]).unwrap_err(),
            "no such key; allowed here: y"
        );
        assert_eq!(
            check(&full, &segs("x"), &["x"]).unwrap_err(),
            "no such key; allowed here: arr, t"
        );
        assert_eq!(
            check(&full, &segs("arr.c.z"), &[]).unwrap_err(),
            "no such key: there is no `arr` with id `c`; ids: a, b"
        );
        assert!(
            check(&full, &segs("arr.b.v.0"), &[])
                .unwrap_err()
                .contains("set it whole")
        );
        assert!(
            check(&full, &segs("x.y"), &[])
                .unwrap_err()
                .contains("is a value")
        );
    }
}
