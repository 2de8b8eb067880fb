//! Parses and validates a generated schema of 10,000 tables (about
//! 150,000 columns and 20,000 indexes) and reports time and peak memory.
//! Run with `cargo bench --bench parse`; the figures go in
//! docs/performance.md.

use std::time::{Duration, Instant};

use strata::syntax::{self, SourceFile};

/// A schema of `tables` tables with 15 columns and 2 indexes each, a
/// foreign key to the previous table, checks and defaults.
fn generate(tables: usize) -> String {
    let mut s = String::with_capacity(tables * 700);
    s.push_str("dialect postgres\n\nenum status { active, paused, closed }\n\n");
    for i in 0..tables {
        s.push_str(&format!("table t{i} {{\n"));
        s.push_str("  id          bigint         pk identity\n");
        if i > 0 {
            s.push_str(&format!(
                "  parent_id   bigint?        -> t{}.id on delete set null\n",
                i - 1
            ));
        } else {
            s.push_str("  parent_id   bigint?\n");
        }
        s.push_str("  name        text           unique\n");
        s.push_str("  email       varchar(255)?\n");
        s.push_str("  status      status         = 'active'\n");
        s.push_str("  amount      numeric(12,2)  = 0 check (amount >= 0)\n");
        s.push_str("  quantity    integer        = 1\n");
        s.push_str("  note        text?          comment \"free text\"\n");
        s.push_str("  data        jsonb          = '{}'::jsonb\n");
        s.push_str("  flags       integer[]?\n");
        s.push_str("  ratio       double precision?\n");
        s.push_str("  code        char(8)?\n");
        s.push_str("  enabled     boolean        = true\n");
        s.push_str("  created_at  timestamptz    = now()\n");
        s.push_str("  updated_at  timestamptz    = now()\n");
        s.push('\n');
        s.push_str(&format!("  index t{i}_name_lower (lower(name))\n"));
        s.push_str(&format!(
            "  index t{i}_recent (status, created_at desc) where status <> 'closed'\n"
        ));
        s.push_str("}\n\n");
    }
    s
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// CPU time of all threads of this process so far (`utime + stime` of
/// /proc/self/stat, in clock ticks of 10 ms). On a shared machine the wall
/// clock also counts the time spent waiting for a core; this does not.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Parses and validates `files`: the schema, the wall time and the CPU
/// time of all threads.
fn timed_parse(files: &[SourceFile]) -> (strata::ir::Schema, Duration, Option<Duration>) {
    let cpu_before = cpu_time();
    let start = Instant::now();
    let schema = match syntax::parse(files) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{e:?}");
            std::process::exit(1);
        }
    };
    let elapsed = start.elapsed();
    (
        schema,
        elapsed,
        cpu_time().zip(cpu_before).map(|(a, b)| a - b),
    )
}

fn main() {
    let tables: usize = std::env::var("STRATA_BENCH_TABLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let text = generate(tables);
    let before = peak_rss_kib().unwrap_or(0);
    let files = [SourceFile::new("bench.strata", text)];
    let (schema, elapsed, cpu) = timed_parse(&files);
    let columns: usize = schema.tables.values().map(|t| t.columns.len()).sum();
    let indexes: usize = schema.tables.values().map(|t| t.indexes.len()).sum();
    let peak = peak_rss_kib().unwrap_or(0);
    println!(
        "parse+validate: {} tables, {columns} columns, {indexes} indexes, {:.1} MiB of source",
        schema.tables.len(),
        files[0].text.len() as f64 / (1024.0 * 1024.0)
    );
    println!("time: {:.3} s", elapsed.as_secs_f64());
    if let Some(cpu) = cpu {
        println!("cpu time (all threads): {:.3} s", cpu.as_secs_f64());
    }
    println!(
        "peak memory (VmHWM): {:.1} MiB (before parsing: {:.1} MiB)",
        peak as f64 / 1024.0,
        before as f64 / 1024.0
    );
    // Validation alone, again on the parsed schema, to show its share.
    let start = Instant::now();
    let problems = strata::ir::validate::validate(&schema);
    println!(
        "of which validation: {:.3} s ({} problems)",
        start.elapsed().as_secs_f64(),
        problems.len()
    );
    let start = Instant::now();
    let printed = syntax::print(&schema);
    println!(
        "print: {:.3} s, {} bytes",
        start.elapsed().as_secs_f64(),
        printed.len()
    );
    drop(schema);
    split_files(&files[0].text);
}

/// The same schema as a large one is usually kept: many files, which are
/// parsed on one thread per core.
fn split_files(text: &str) {
    const FILES: usize = 20;
    let (head, tables) = text.split_at(text.find("table ").unwrap_or(0));
    let blocks: Vec<&str> = tables.split_inclusive("}\n\n").collect();
    let per_file = blocks.len().div_ceil(FILES).max(1);
    let files: Vec<SourceFile> = blocks
        .chunks(per_file)
        .enumerate()
        .map(|(i, chunk)| {
            // The dialect line and the enum go in the first file only.
            let mut t = if i == 0 {
                head.to_string()
            } else {
                String::new()
            };
            t.extend(chunk.iter().copied());
            SourceFile::new(format!("bench_{i:02}.strata"), t)
        })
        .collect();
    let (schema, elapsed, cpu) = timed_parse(&files);
    println!(
        "the same in {} files, {} threads: {:.3} s (cpu time, all threads: {})",
        files.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        elapsed.as_secs_f64(),
        cpu.map_or("?".into(), |c| format!("{:.3} s", c.as_secs_f64())),
    );
    assert_eq!(schema.tables.len(), text.matches("\ntable ").count());
}
