//! What the operating system says about memory: this process's peak resident memory (for the
//! speed line) and the memory available to a new run (for refusing runs that cannot fit).
//! Linux reads `/proc` and the cgroup limit; elsewhere both are unknown.

use std::fs;

/// Peak resident memory of this process in bytes (Linux), if known.
pub fn peak() -> Option<u64> {
    let s = fs::read_to_string("/proc/self/status").ok()?;
    kb_field(&s, "VmHWM:")
}

/// Bytes a new allocation can use without swapping: `MemAvailable` (or, on old kernels,
/// `MemTotal`), lowered to the room left under this process's cgroup memory limit if it has
/// one.
/// `None` when unknown.
pub fn available() -> Option<u64> {
    let info = fs::read_to_string("/proc/meminfo").ok()?;
    let machine = kb_field(&info, "MemAvailable:").or_else(|| kb_field(&info, "MemTotal:"))?;
    Some(match cgroup_room() {
        Some(room) => machine.min(room),
        None => machine,
    })
}

/// Room left under the cgroup memory limit of this process, if it has a limit (cgroup v2, or
/// the v1 memory controller).
fn cgroup_room() -> Option<u64> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let read = |path: String| -> Option<u64> { fs::read_to_string(path).ok()?.trim().parse().ok() };
    for line in own.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, rel) = (parts.next()?, parts.next()?, parts.next()?);
        let (limit, usage) = if controllers.is_empty() {
            let dir = format!("/sys/fs/cgroup{rel}");
            (format!("{dir}/memory.max"), format!("{dir}/memory.current"))
        } else if controllers.split(',').any(|c| c == "memory") {
            let dir = format!("/sys/fs/cgroup/memory{rel}");
            (
                format!("{dir}/memory.limit_in_bytes"),
                format!("{dir}/memory.usage_in_bytes"),
            )
        } else {
            continue;
        };
        // "max" (v2) does not parse: no limit. v1 writes a huge number for none.
        if let Some(max) = read(limit).filter(|&m| m < 1 << 60) {
            return Some(max.saturating_sub(read(usage).unwrap_or(0)));
        }
    }
    None
}

/// A `Name:   123 kB` line of a /proc file, in bytes.
fn kb_field(text: &str, name: &str) -> Option<u64> {
    let line = text.lines().find(|l| l.starts_with(name))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Bytes for people: "6.9 GB", "512 MB" (decimal units, as the speed line prints).
pub fn human(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_kilobyte_fields() {
        let s = "MemTotal:       24684084 kB\nMemAvailable:   1000 kB\n";
        assert_eq!(kb_field(s, "MemAvailable:"), Some(1_024_000));
        assert_eq!(kb_field(s, "SwapTotal:"), None);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(human(6_900_000_000), "6.9 GB");
        assert_eq!(human(512_000_000), "512 MB");
        assert_eq!(human(10), "1 MB");
    }
}
