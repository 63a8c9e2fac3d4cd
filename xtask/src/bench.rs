//! `cargo xtask bench`: our loop against tokio and CPython's asyncio, on the same workloads, in
//! one run, as one table (the appendix "Benchmarks" shows it).
//!
//! 1. `cargo bench -p ch04-timers --bench loop_vs_tokio` (criterion), whose estimates land in
//!    `<target dir>/criterion/<workload>/<runtime>/new/estimates.json`; the target directory
//!    comes from `cargo metadata`, so `CARGO_TARGET_DIR` is honoured;
//! 2. `cargo bench -p ch04-timers --bench allocs`: heap allocations per operation, printed as is;
//! 3. `python3 chapters-code/ch04-timers/benches/asyncio_bench.py`, which prints JSON;
//! 4. a Markdown table: time per operation (medians), the ratio to tokio's current-thread
//!    runtime, and CPython's time over ours.
//!
//! Measurements, not assertions: nothing here fails because a number is large.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

/// The workloads, as criterion groups and as keys of the Python script's JSON.
const WORKLOADS: [&str; 3] = ["spawn", "yield", "timers"];
/// The Rust runtimes, as criterion benchmark names.
const RUNTIMES: [&str; 3] = ["ours", "tokio_current_thread", "tokio_multi_thread"];
/// What the table compares against.
const BASELINE: &str = "tokio_current_thread";
const PYTHON_SCRIPT: &str = "chapters-code/ch04-timers/benches/asyncio_bench.py";

/// Runs the benchmarks and prints the table.
pub fn run() -> Result<()> {
    let root = crate::workspace_root();
    let target = target_directory(&root)?;
    let started = SystemTime::now();

    println!("== cargo bench -p ch04-timers --bench loop_vs_tokio ==");
    cargo(
        &root,
        &["bench", "-p", "ch04-timers", "--bench", "loop_vs_tokio"],
    )?;
    println!("\n== cargo bench -p ch04-timers --bench allocs ==");
    cargo(&root, &["bench", "-p", "ch04-timers", "--bench", "allocs"])?;

    println!("\n== python3 {PYTHON_SCRIPT} ==");
    let output = Command::new("python3")
        .arg(PYTHON_SCRIPT)
        .current_dir(&root)
        .output()
        .context("could not run python3")?;
    if !output.status.success() {
        bail!(
            "{PYTHON_SCRIPT} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let python: Value =
        serde_json::from_slice(&output.stdout).context("the Python script's JSON")?;
    let n = python["n"].as_f64().context("`n` in the Python JSON")?;

    let criterion = target.join("criterion");
    let mut rows = Vec::new();
    for workload in WORKLOADS {
        let mut times: Vec<(String, f64)> = Vec::new();
        for runtime in RUNTIMES {
            let dir = criterion.join(workload).join(runtime).join("new");
            if !dir.join("estimates.json").exists() {
                continue; // tokio's multi-thread runtime cannot pause time: no `timers`
            }
            times.push((runtime.to_string(), criterion_per_op(&dir, started)?));
        }
        let python_s = python["results"][workload]["median_s"]
            .as_f64()
            .with_context(|| format!("`{workload}` in the Python JSON"))?;
        times.push(("cpython_asyncio".to_string(), python_s * 1e9 / n));
        rows.push((workload, times));
    }

    println!("\n== time per operation (median), N = {n} operations per run ==\n");
    println!("| workload | runtime | time/op | vs tokio current_thread | CPython / this |");
    println!("|---|---|---:|---:|---:|");
    for (workload, times) in &rows {
        let find = |name: &str| times.iter().find(|(r, _)| r == name).map(|(_, t)| *t);
        let baseline = find(BASELINE);
        let python = find("cpython_asyncio");
        for (runtime, ns) in times {
            let vs_tokio = baseline.map_or("-".to_string(), |b| format!("{:.2}x", ns / b));
            let vs_python = match python {
                Some(p) if runtime != "cpython_asyncio" => format!("{:.1}x", p / ns),
                _ => "-".to_string(),
            };
            println!(
                "| {workload} | {runtime} | {} | {vs_tokio} | {vs_python} |",
                fmt_ns(*ns)
            );
        }
    }

    println!(
        "\n== against the targets (ours within 2x of tokio current_thread; >= 10x faster than CPython) ==\n"
    );
    for (workload, times) in &rows {
        let find = |name: &str| times.iter().find(|(r, _)| r == name).map(|(_, t)| *t);
        if let (Some(ours), Some(tokio), Some(python)) =
            (find("ours"), find(BASELINE), find("cpython_asyncio"))
        {
            let vs_tokio = ours / tokio;
            let vs_python = python / ours;
            println!(
                "{workload:<7} ours/tokio_ct = {vs_tokio:.2}x ({}), cpython/ours = {vs_python:.1}x ({})",
                if vs_tokio <= 2.0 { "met" } else { "missed" },
                if vs_python >= 10.0 { "met" } else { "missed" },
            );
        }
    }
    println!("\nmachine: {}", machine(&root));
    Ok(())
}

/// Criterion's median for one benchmark, divided by its throughput (operations per
/// iteration), in nanoseconds per operation. Fails on an estimate older than this run.
fn criterion_per_op(dir: &Path, started: SystemTime) -> Result<f64> {
    let estimates = dir.join("estimates.json");
    let modified = std::fs::metadata(&estimates)?.modified()?;
    if modified < started {
        bail!(
            "{} is from an earlier run: did the bench fail?",
            estimates.display()
        );
    }
    let estimates = read_json(&estimates)?;
    let median = estimates["median"]["point_estimate"]
        .as_f64()
        .context("median.point_estimate in estimates.json")?;
    let benchmark = read_json(&dir.join("benchmark.json"))?;
    let per_iteration = benchmark["throughput"]["Elements"].as_f64().unwrap_or(1.0);
    Ok(median / per_iteration)
}

fn read_json(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))
}

fn fmt_ns(ns: f64) -> String {
    if ns >= 1000.0 {
        format!("{:.2} µs", ns / 1000.0)
    } else {
        format!("{ns:.0} ns")
    }
}

fn cargo(root: &Path, args: &[&str]) -> Result<()> {
    let status = crate::cargo()
        .args(args)
        .current_dir(root)
        .status()
        .context("could not run cargo")?;
    if !status.success() {
        bail!("cargo {} failed (see above)", args.join(" "));
    }
    Ok(())
}

/// Where cargo puts build output: `cargo metadata`'s `target_directory`, which follows
/// `CARGO_TARGET_DIR` and `.cargo/config.toml`.
fn target_directory(root: &Path) -> Result<PathBuf> {
    let output = crate::cargo()
        .args(["metadata", "--format-version", "1", "--no-deps"])
        .current_dir(root)
        .output()
        .context("could not run cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let metadata: Value = serde_json::from_slice(&output.stdout)?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("target_directory in cargo metadata")?;
    Ok(PathBuf::from(dir))
}

/// The facts the appendix's table needs: cores, CPU, rustc, tokio, python.
fn machine(root: &Path) -> String {
    let run = |program: &str, args: &[&str]| {
        Command::new(program)
            .args(args)
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|| "?".to_string())
    };
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_string())
        })
        .unwrap_or_else(|| "?".to_string());
    let tokio = std::fs::read_to_string(root.join("Cargo.lock"))
        .ok()
        .and_then(|lock| {
            let mut lines = lock.lines();
            lines.find(|line| *line == "name = \"tokio\"")?;
            let version = lines.next()?;
            Some(
                version
                    .trim_start_matches("version = ")
                    .trim_matches('"')
                    .to_string(),
            )
        })
        .unwrap_or_else(|| "?".to_string());
    format!(
        "{cores} cores, {cpu}; {}; tokio {tokio}; {}",
        run("rustc", &["--version"]),
        run("python3", &["--version"]),
    )
}
