//! `extends`: how a scenario file is laid over the scenario it inherits. Tables merge key by key;
//! arrays of tables whose entries all have an `id` merge by id (an entry's keys override those of
//! the parent's entry with the same id, new ids are appended); `[[event]]` entries are appended
//! to the parent's; any other value replaces the parent's. The parent's `name` and `observed`
//! are never inherited.

use std::collections::{HashMap, HashSet};

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

/// Where a merge failed (a global offset) and why.
pub(crate) type MergeError = (usize, String);

/// Lay `child` over `parent`. Spans are kept, so every value still says where it was written.
/// Two entries of one array of tables with the same id in `child` are refused, as they are in a
/// file that extends nothing. Linear in the size of both.
pub(crate) fn extend<'s>(
    parent: Spanned<DeTable<'s>>,
    child: Spanned<DeTable<'s>>,
) -> Result<Spanned<DeTable<'s>>, MergeError> {
    let span = child.span();
    let mut parent = parent.into_inner();
    parent.remove("name");
    parent.remove("observed");
    Ok(Spanned::new(span, tables(parent, child.into_inner(), "")?))
}

fn tables<'s>(
    mut into: DeTable<'s>,
    over: DeTable<'s>,
    prefix: &str,
) -> Result<DeTable<'s>, MergeError> {
    for (k, v) in over {
        let name = k.get_ref().as_ref();
        let path = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}.{name}")
        };
        let merged = match into.remove(name) {
            Some(old) => values(old, v, prefix.is_empty() && name == "event", &path)?,
            None => v,
        };
        into.insert(k, merged);
    }
    Ok(into)
}

fn id<'a>(v: &'a Spanned<DeValue<'_>>) -> Option<&'a str> {
    match v.get_ref() {
        DeValue::Table(t) => match t.get("id")?.get_ref() {
            DeValue::String(s) => Some(s.as_ref()),
            _ => None,
        },
        _ => None,
    }
}

/// Where the `id` key of an entry was written.
fn id_at(v: &Spanned<DeValue<'_>>) -> usize {
    match v.get_ref() {
        DeValue::Table(t) => t
            .get_key_value("id")
            .map_or(v.span().start, |(k, _)| k.span().start),
        _ => v.span().start,
    }
}

fn values<'s>(
    old: Spanned<DeValue<'s>>,
    new: Spanned<DeValue<'s>>,
    append: bool,
    path: &str,
) -> Result<Spanned<DeValue<'s>>, MergeError> {
    let span = new.span();
    Ok(match (old.into_inner(), new.into_inner()) {
        (DeValue::Table(a), DeValue::Table(b)) => {
            Spanned::new(span, DeValue::Table(tables(a, b, path)?))
        }
        (DeValue::Array(a), DeValue::Array(b)) if append => {
            let mut out = DeArray::new();
            for e in a.into_iter().chain(b) {
                out.push(e);
            }
            Spanned::new(span, DeValue::Array(out))
        }
        (DeValue::Array(a), DeValue::Array(b))
            if !b.is_empty() && a.iter().chain(b.iter()).all(|e| id(e).is_some()) =>
        {
            let mut out: Vec<Spanned<DeValue<'s>>> = a.into_iter().collect();
            // The first entry with each id, as a linear search would find it.
            let mut index: HashMap<String, usize> = HashMap::with_capacity(out.len());
            for (i, o) in out.iter().enumerate() {
                index
                    .entry(id(o).unwrap_or_default().to_string())
                    .or_insert(i);
            }
            let mut in_child: HashSet<String> = HashSet::with_capacity(b.len());
            for e in b {
                let eid = id(&e).unwrap_or_default().to_string();
                if !in_child.insert(eid.clone()) {
                    return Err((
                        id_at(&e),
                        format!(
                            "{path}.{eid}.id = {eid:?} is used twice: ids must be unique among the [[{path}]] entries"
                        ),
                    ));
                }
                match index.get(&eid) {
                    Some(&i) => {
                        let old = std::mem::replace(
                            &mut out[i],
                            Spanned::new(0..0, DeValue::Boolean(false)),
                        );
                        out[i] = values(old, e, false, &format!("{path}.{eid}"))?;
                    }
                    None => {
                        index.insert(eid, out.len());
                        out.push(e);
                    }
                }
            }
            let mut arr = DeArray::new();
            for e in out {
                arr.push(e);
            }
            Spanned::new(span, DeValue::Array(arr))
        }
        (_, new) => Spanned::new(span, new),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(parent: &str, child: &str) -> toml::Table {
        // Offsets do not matter here; parse both at their own offsets.
        let p = DeTable::parse(parent).unwrap();
        let c = DeTable::parse(child).unwrap();
        let m = extend(p, c).unwrap();
        serde::Deserialize::deserialize(toml::de::Deserializer::from(m)).unwrap()
    }

    #[test]
    fn tables_merge_key_by_key_and_arrays_of_tables_by_id() {
        let parent = r#"
            name = "parent"
            a = 1
            list = [1, 2]
            [t]
            x = 1
            y = 2
            [observed]
            z = 1
            [[item]]
            id = "one"
            v = 1
            w = 1
            [[item]]
            id = "two"
            v = 2
            [[event]]
            month = 1
            set = {}
        "#;
        let child = r#"
            list = [3]
            [t]
            y = 20
            [[item]]
            id = "two"
            v = 22
            [[item]]
            id = "three"
            v = 3
            [[event]]
            month = 2
            set = {}
        "#;
        let m = merged(parent, child);
        assert!(
            m.get("name").is_none(),
            "a parent's name is never inherited"
        );
        assert!(m.get("observed").is_none(), "observed is not inherited");
        assert_eq!(m["a"].as_integer(), Some(1));
        assert_eq!(
            m["list"].as_array().unwrap().len(),
            1,
            "plain arrays replace"
        );
        assert_eq!(m["t"]["x"].as_integer(), Some(1));
        assert_eq!(m["t"]["y"].as_integer(), Some(20));
        let items = m["item"].as_array().unwrap();
        let ids: Vec<_> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
        assert_eq!(ids, ["one", "two", "three"]);
        assert_eq!(items[1]["v"].as_integer(), Some(22));
        let events = m["event"].as_array().unwrap();
        let months: Vec<_> = events
            .iter()
            .map(|e| e["month"].as_integer().unwrap())
            .collect();
        assert_eq!(months, [1, 2], "events append");
    }

    #[test]
    fn a_child_keeps_its_own_name_and_observed() {
        let m = merged(
            "name = \"p\"\n[observed]\nz = 1\n",
            "name = \"c\"\n[observed]\nq = 2\n",
        );
        assert_eq!(m["name"].as_str(), Some("c"));
        assert!(m["observed"].get("z").is_none());
        assert_eq!(m["observed"]["q"].as_integer(), Some(2));
    }

    #[test]
    fn a_child_may_not_repeat_an_id() {
        let parent = "[[item]]\nid = \"one\"\nv = 1\n";
        let child = "[[item]]\nid = \"two\"\nv = 2\n[[item]]\nid = \"two\"\nv = 3\n";
        let (pos, msg) = extend(
            DeTable::parse(parent).unwrap(),
            DeTable::parse(child).unwrap(),
        )
        .unwrap_err();
        assert_eq!(pos, child.rfind("id").unwrap(), "the second entry's id");
        assert_eq!(
            msg,
            "item.two.id = \"two\" is used twice: ids must be unique among the [[item]] entries"
        );
        // The same id twice, both overriding the parent's entry.
        let child = "[[item]]\nid = \"one\"\nv = 2\n[[item]]\nid = \"one\"\nv = 3\n";
        assert!(
            extend(
                DeTable::parse(parent).unwrap(),
                DeTable::parse(child).unwrap()
            )
            .is_err()
        );
    }
}
