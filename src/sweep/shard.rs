//! The durable record of a sweep: one append-only log per shard. The first line names the
//! sweep (the hash of everything that decides its results) and the shard; each later line is
//! one finished point, with a checksum:
//!
//! ```text
//! crossroads sweep log 1\tsweep 3f2a…\tshard 2/8
//! 17\t0.25,,1432.5,…\t9c0e6d1a22b47f03
//! ```
//!
//! A point's values are every scenario's, then every replicate's, then every metric's, written
//! in Rust's shortest exact form (an empty field for a metric without a value), so that reading
//! them back gives the same numbers bit for bit. A line cut short by a kill, or whose checksum
//! does not match, is dropped when the log is read, and its point runs again.

use sha2::{Digest, Sha256};

/// The format's version, in the header.
pub const FORMAT: u32 = 1;

/// Which shard of how many: points whose id modulo `of` is `index − 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub of: u32,
}

impl Shard {
    pub const WHOLE: Shard = Shard { index: 1, of: 1 };

    /// `I/N` with 1 ≤ I ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard {s}: must be I/N with 1 ≤ I ≤ N, e.g. 3/8");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let (index, of): (u32, u32) = (
            i.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if index == 0 || index > of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }

    pub fn holds(&self, point: usize) -> bool {
        point % self.of as usize == (self.index - 1) as usize
    }

    /// The log's file name: `3-of-8.log`.
    pub fn file_name(&self) -> String {
        format!("{}-of-{}.log", self.index, self.of)
    }
}

/// The first line of a shard's log.
pub fn header(sweep: &str, shard: Shard) -> String {
    format!(
        "crossroads sweep log {FORMAT}\tsweep {sweep}\tshard {}/{}\n",
        shard.index, shard.of
    )
}

/// One finished point.
#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub point: usize,
    pub values: Vec<Option<f64>>,
}

fn checksum(body: &str) -> String {
    let h = Sha256::digest(body.as_bytes());
    h[..8].iter().map(|b| format!("{b:02x}")).collect()
}

impl Record {
    /// The record as one line of the log, ending in a newline.
    pub fn line(&self) -> String {
        let values: Vec<String> = self
            .values
            .iter()
            .map(|v| v.map(|x| x.to_string()).unwrap_or_default())
            .collect();
        let body = format!("{}\t{}", self.point, values.join(","));
        let sum = checksum(&body);
        format!("{body}\t{sum}\n")
    }

    /// A line (without its newline) back into a record, if it is whole and its checksum and
    /// number of values match.
    fn parse(line: &str, width: usize) -> Option<Record> {
        let (body, sum) = line.rsplit_once('\t')?;
        if checksum(body) != sum {
            return None;
        }
        let (point, values) = body.split_once('\t')?;
        let values: Vec<Option<f64>> = values
            .split(',')
            .map(|v| {
                if v.is_empty() {
                    Ok(None)
                } else {
                    v.parse::<f64>().map(Some)
                }
            })
            .collect::<Result<_, _>>()
            .ok()?;
        (values.len() == width).then_some(Record {
            point: point.parse().ok()?,
            values,
        })
    }
}

/// A log read back.
#[derive(Debug, Default)]
pub struct Log {
    /// Whole records, in the order written (a point at most once: the first).
    pub records: Vec<Record>,
    /// Lines dropped: cut short or corrupted.
    pub dropped: usize,
    /// Whether the bytes must be rewritten to hold only `records` (something was dropped).
    pub dirty: bool,
}

/// Read a shard's log: it must start with `expected` (the header of this sweep and shard, or
/// of this sweep and any shard when `expected` is `None`); each record must have `width`
/// values.
pub fn read(bytes: &[u8], sweep: &str, width: usize) -> Result<(Shard, Log), String> {
    let text = String::from_utf8_lossy(bytes);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let shard = parse_header(first, sweep)?;
    let mut log = Log::default();
    let mut seen = std::collections::HashSet::new();
    for line in lines {
        let whole = line.strip_suffix('\n');
        match whole.and_then(|l| Record::parse(l, width)) {
            Some(r) => {
                if seen.insert(r.point) {
                    log.records.push(r);
                } else {
                    log.dirty = true;
                }
            }
            None => {
                log.dropped += 1;
                log.dirty = true;
            }
        }
    }
    Ok((shard, log))
}

/// The shard a header names, if it is a header of sweep `sweep`.
fn parse_header(line: &str, sweep: &str) -> Result<Shard, String> {
    let fields: Vec<&str> = line.trim_end_matches('\n').split('\t').collect();
    let [format, id, shard] = fields[..] else {
        return Err("is not a sweep log (its first line is not a sweep log header)".into());
    };
    if format != format!("crossroads sweep log {FORMAT}") {
        return Err(format!(
            "is a sweep log of another format ({format:?}; this program writes format {FORMAT})"
        ));
    }
    let id = id.strip_prefix("sweep ").unwrap_or(id);
    if id != sweep {
        return Err(format!(
            "belongs to another sweep (sweep {id}; this one is {sweep}): another configuration, scenario files, options or build of crossroads"
        ));
    }
    Shard::parse(shard.strip_prefix("shard ").unwrap_or(shard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_read_back_exactly() {
        let r = Record {
            point: 42,
            values: vec![
                Some(0.1),
                None,
                Some(1.0 / 3.0),
                Some(-2.5e-300),
                Some(1e21),
            ],
        };
        let mut log = header("abc", Shard { index: 2, of: 3 }).into_bytes();
        log.extend(r.line().as_bytes());
        let (shard, read) = read(&log, "abc", 5).unwrap();
        assert_eq!(shard, Shard { index: 2, of: 3 });
        assert_eq!(read.records, vec![r]);
        assert!(!read.dirty);
    }

    #[test]
    fn a_cut_or_corrupted_line_is_dropped() {
        let a = Record {
            point: 0,
            values: vec![Some(1.0)],
        };
        let b = Record {
            point: 3,
            values: vec![Some(2.0)],
        };
        let whole = format!("{}{}{}", header("s", Shard::WHOLE), a.line(), b.line());
        // Cut anywhere inside the last line: only the first record survives.
        let cut_from = whole.len() - b.line().len();
        for cut in cut_from..whole.len() {
            let (_, log) = read(&whole.as_bytes()[..cut], "s", 1).unwrap();
            assert_eq!(log.records, vec![a.clone()], "cut at {cut}");
            assert_eq!(log.dirty, cut > cut_from);
        }
        // A changed digit fails the checksum.
        let bad = whole.replacen("\t2\t", "\t3\t", 1);
        let (_, log) = read(bad.as_bytes(), "s", 1).unwrap();
        assert_eq!((log.records.len(), log.dropped), (1, 1));
    }

    #[test]
    fn a_log_of_another_sweep_is_refused() {
        let h = header("one", Shard::WHOLE);
        assert!(
            read(h.as_bytes(), "two", 1)
                .unwrap_err()
                .contains("another sweep")
        );
        assert!(
            read(b"hello\n", "two", 1)
                .unwrap_err()
                .contains("not a sweep log")
        );
    }

    #[test]
    fn shards_split_the_points() {
        let s: Vec<Shard> = (1..=3)
            .map(|i| Shard::parse(&format!("{i}/3")).unwrap())
            .collect();
        for p in 0..30 {
            assert_eq!(s.iter().filter(|sh| sh.holds(p)).count(), 1);
        }
        for bad in ["0/3", "4/3", "3", "a/b", "1/0"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }
}
