//! A generative test of the scenario loader: mutations of `scenarios/baseline.toml` (lines
//! deleted, duplicated or swapped; numbers replaced by other numbers, strings, booleans, `nan`,
//! `inf`, negatives or huge values; the file truncated at a random byte; random bytes inserted)
//! never make `check` panic, and always end in "valid" (exit 0) or "bad input" (exit 2).
//!
//! The bulk runs in-process through the library function behind `crossroads check`, inside
//! `catch_unwind`; a smaller sample runs through the real binary (exit code 0 or 2, never a panic,
//! an abort or a hang), and a sample of the accepted mutants runs a short simulation. The random
//! generator has a fixed seed, so every run tries the same mutants.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Duration;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use tempfile::TempDir;

use crate::support::{baseline, crossroads};

/// Seed of every generator of this file.
const SEED: [u8; 32] = *b"crossroads loader mutations 0001";
/// Mutants checked in-process.
const IN_PROCESS: u32 = 2000;
/// Mutants checked through the binary.
const THROUGH_BINARY: usize = 30;
/// Accepted mutants that also run a short simulation.
const RUNS: usize = 10;

/// Values a number may be replaced with.
const REPLACEMENTS: [&str; 20] = [
    "0",
    "1",
    "-1",
    "-0.5",
    "0.5",
    "2",
    "300",
    "1e308",
    "-1e308",
    "1e-308",
    "nan",
    "inf",
    "-inf",
    "4294967295",
    "4294967296",
    "99999999999999999999",
    "\"text\"",
    "true",
    "[1, 2]",
    "{}",
];

/// One mutation, drawn as plain numbers and applied by [`apply`].
#[derive(Debug, Clone)]
struct Mutation {
    op: u8,
    a: u64,
    b: u64,
    c: u64,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..10, any::<u64>(), any::<u64>(), any::<u64>()).prop_map(|(op, a, b, c)| Mutation {
        op,
        a,
        b,
        c,
    })
}

/// Byte ranges of the number tokens of `text`: a digit (or a minus sign before one) that does
/// not continue a name, and what follows it of digits, `.`, `_`, `e`, `E`, `+`, `-`.
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        let starts = text[i].is_ascii_digit()
            || (text[i] == b'-' && text.get(i + 1).is_some_and(u8::is_ascii_digit));
        let after_name = i > 0 && (text[i - 1].is_ascii_alphanumeric() || text[i - 1] == b'_');
        if starts && !after_name {
            let mut j = i + 1;
            while j < text.len() && (text[j].is_ascii_digit() || b"._eE+-".contains(&text[j])) {
                j += 1;
            }
            out.push((i, j));
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// A replacement for a number: one of [`REPLACEMENTS`], or another number of some size.
fn replacement(b: u64, c: u64) -> String {
    if b.is_multiple_of(3) {
        let magnitude = 10f64.powi((c % 14) as i32 - 3);
        let x = (c >> 8) % 1000;
        format!("{}", x as f64 * magnitude)
    } else {
        REPLACEMENTS[(c % REPLACEMENTS.len() as u64) as usize].to_string()
    }
}

fn replace_number(text: &[u8], a: u64, b: u64, c: u64) -> (Vec<u8>, String) {
    let nums = numbers(text);
    if nums.is_empty() {
        return (text.to_vec(), "no number to replace".into());
    }
    let (s, e) = nums[(a % nums.len() as u64) as usize];
    let new = replacement(b, c);
    let line = text[..s].iter().filter(|&&x| x == b'\n').count() + 1;
    let old = String::from_utf8_lossy(&text[s..e]).into_owned();
    let mut out = text[..s].to_vec();
    out.extend_from_slice(new.as_bytes());
    out.extend_from_slice(&text[e..]);
    (out, format!("line {line}: {old} -> {new}"))
}

/// The mutant of `base` and a description of the change.
fn apply(base: &[u8], m: &Mutation) -> (Vec<u8>, String) {
    let mut lines: Vec<&[u8]> = base.split_inclusive(|&b| b == b'\n').collect();
    let n = lines.len() as u64;
    let (i, j) = ((m.a % n) as usize, (m.b % n) as usize);
    match m.op {
        0 => {
            lines.remove(i);
            (lines.concat(), format!("delete line {}", i + 1))
        }
        1 => {
            lines.insert(i, lines[i]);
            (lines.concat(), format!("duplicate line {}", i + 1))
        }
        2 => {
            lines.swap(i, j);
            (
                lines.concat(),
                format!("swap lines {} and {}", i + 1, j + 1),
            )
        }
        3..=6 => replace_number(base, m.a, m.b, m.c),
        7 => {
            let at = (m.a % base.len() as u64) as usize;
            (base[..at].to_vec(), format!("truncate at byte {at}"))
        }
        8 => {
            let at = (m.a % (base.len() as u64 + 1)) as usize;
            let len = 1 + (m.b % 8) as usize;
            let bytes: Vec<u8> = m.c.to_le_bytes()[..len].to_vec();
            let mut out = base[..at].to_vec();
            out.extend_from_slice(&bytes);
            out.extend_from_slice(&base[at..]);
            (out, format!("insert bytes {bytes:?} at byte {at}"))
        }
        _ => {
            let (t1, d1) = replace_number(base, m.a, m.b, m.c);
            let (t2, d2) = replace_number(&t1, m.b, m.c, m.a);
            let (t3, d3) = replace_number(&t2, m.c, m.a, m.b);
            (t3, format!("{d1}; {d2}; {d3}"))
        }
    }
}

fn base_text() -> Vec<u8> {
    std::fs::read(baseline()).expect("read scenarios/baseline.toml")
}

/// The exit code `crossroads check` gives for `path` (computed in-process), or the panic's
/// message.
fn check_code(path: &Path) -> Result<i32, String> {
    catch_unwind(AssertUnwindSafe(|| {
        match crossroads::app::check(path, &[]) {
            Ok(_) => 0,
            Err(e) => e.exit_code() as i32,
        }
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "a panic".into())
    })
}

/// The in-process runner: [`IN_PROCESS`] cases from [`SEED`]. For a longer search on one's own
/// machine, `CROSSROADS_MUTATIONS=CASES[:SALT]` changes the number of cases and the seed.
fn runner() -> TestRunner {
    let (mut cases, mut seed) = (IN_PROCESS, SEED);
    if let Ok(v) = std::env::var("CROSSROADS_MUTATIONS") {
        let (n, salt) = v.split_once(':').unwrap_or((&v, "0"));
        cases = n.parse().expect("CROSSROADS_MUTATIONS=CASES[:SALT]");
        seed[31] ^= salt
            .parse::<u8>()
            .expect("CROSSROADS_MUTATIONS=CASES[:SALT]");
    }
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed))
}

/// `n` mutants drawn from the seeded generator (the first ones of [`loader_mutations_never_panic`]
/// are not repeated: this generator is seeded differently).
fn sample(n: usize, salt: u8) -> Vec<(Vec<u8>, String)> {
    let mut seed = SEED;
    seed[0] ^= salt;
    let mut r = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &seed),
    );
    let base = base_text();
    let strategy = mutation();
    (0..n)
        .map(|_| {
            let m = strategy
                .new_tree(&mut r)
                .expect("a mutation is drawn")
                .current();
            apply(&base, &m)
        })
        .collect()
}

#[test]
fn loader_mutations_never_panic_in_process() {
    let base = base_text();
    let tmp = TempDir::new().unwrap();
    let path = tmp.path().join("mutant.toml");
    // Quiet the default hook's report of a caught panic; the failure names the mutation.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let codes = [std::cell::Cell::new(0usize), std::cell::Cell::new(0usize)];
    let result = runner().run(&mutation(), |m| {
        let (text, what) = apply(&base, &m);
        std::fs::write(&path, &text).unwrap();
        match check_code(&path) {
            Ok(code @ (0 | 2)) => {
                let c = &codes[(code / 2) as usize];
                c.set(c.get() + 1);
                Ok(())
            }
            Ok(code) => Err(TestCaseError::fail(format!(
                "{what}: check ended with exit code {code}, expected 0 or 2"
            ))),
            Err(panic) => Err(TestCaseError::fail(format!(
                "{what}: check panicked: {panic}"
            ))),
        }
    });
    std::panic::set_hook(hook);
    if let Err(e) = result {
        panic!("{e}");
    }
    // The mutations reach both outcomes: most are refused, some still load.
    let (accepted, refused) = (codes[0].get(), codes[1].get());
    assert!(accepted > 0, "no mutant was accepted ({refused} refused)");
    assert!(refused > 0, "no mutant was refused ({accepted} accepted)");
    println!("{accepted} mutants accepted, {refused} refused");
}

/// Run the binary with a time limit; the exit code, or a failure naming what happened.
fn binary(args: &[&str], cwd: &Path, limit: Duration, what: &str) -> i32 {
    let out = crossroads()
        .current_dir(cwd)
        .args(args)
        .timeout(limit)
        .output()
        .expect("spawn crossroads");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked"),
        "{what}: crossroads {} panicked:\n{stderr}",
        args.join(" ")
    );
    match out.status.code() {
        Some(code @ (0 | 2)) => code,
        other => panic!(
            "{what}: crossroads {} ended with {other:?} (a signal or a time-out when None), expected exit code 0 or 2:\n{stderr}",
            args.join(" ")
        ),
    }
}

#[test]
fn loader_mutations_through_the_binary_exit_0_or_2_and_accepted_ones_run() {
    let tmp = TempDir::new().unwrap();
    let mut accepted = Vec::new();
    for (k, (text, what)) in sample(THROUGH_BINARY, 1).into_iter().enumerate() {
        let name = format!("mutant{k}.toml");
        std::fs::write(tmp.path().join(&name), &text).unwrap();
        if binary(
            &["check", &name],
            tmp.path(),
            Duration::from_secs(60),
            &what,
        ) == 0
        {
            accepted.push((name, what));
        }
    }
    // The accepted ones run a short simulation; draw more until there are enough of them.
    let mut more = sample(20 * RUNS, 2).into_iter().enumerate();
    while accepted.len() < RUNS {
        let Some((k, (text, what))) = more.next() else {
            break;
        };
        let name = format!("extra{k}.toml");
        std::fs::write(tmp.path().join(&name), &text).unwrap();
        if check_code(&tmp.path().join(&name)) == Ok(0) {
            accepted.push((name, what));
        }
    }
    assert!(
        accepted.len() >= RUNS,
        "only {} accepted mutants",
        accepted.len()
    );
    for (k, (name, what)) in accepted.iter().take(RUNS).enumerate() {
        let out = format!("out{k}");
        binary(
            &[
                "run",
                name,
                "--agents",
                "2000",
                "--months",
                "12",
                "--replicates",
                "1",
                "--quiet",
                "--out",
                &out,
            ],
            tmp.path(),
            Duration::from_secs(300),
            what,
        );
    }
}
