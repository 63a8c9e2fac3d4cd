//! What a process costs, measured: CPU work on threads and on worker processes,
//! the round trip of a job, and the start of a worker.
//!
//! - `cpu`: N = 4 identical CPU jobs (chapter 6's hash chain), run on one thread,
//!   on N threads (std's, and `to_thread` on our loop), and on our process pool
//!   with 2 and with 4 workers, warm, through `run_in_process`;
//! - `round_trip`: one job on a warm 1-worker pool, awaited on our loop: `Pid`, a
//!   16-byte `Echo`, a 1 MiB `Echo`; beside them a thread's round trip
//!   (`to_thread`), the serialization of 1 MiB each way with no pipe at all, and
//!   postcard on 1 MiB as serde's `Vec<u8>` (a sequence) and as serde bytes;
//! - `startup`: start a 1-worker pool and await its first answer, then the same
//!   with the pool's shutdown included.
//!
//! Run with `cargo bench -p ch08-processes --bench processes`; the CPython side is
//! `python3 chapters-code/ch08-processes/benches/processes_bench.py`. This is a
//! measurement, not an assertion: no number here can fail a build.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ch06_patterns::cpu::cpu_job;
use ch06_patterns::gather;
use ch08_processes::frame::PREFIX;
use ch08_processes::job::{CpuJob, Echo, Job, Pid};
use ch08_processes::worker::{Request, Response, run_by_name};
use ch08_processes::{EventLoop, ProcessPool, decode, encode, run_in_process};
use criterion::{Criterion, SamplingMode};
use serde_bytes::ByteBuf;

/// The worker program, built by cargo before the benchmark.
const WORKER: &str = env!("CARGO_BIN_EXE_ch08-worker");
/// Jobs per run.
const N: u64 = 4;
/// Hash-chain steps per job: about 40 ms on the book's 2-core machine.
const ROUNDS: u64 = 10_000_000;
/// The large job's payload.
const MIB: usize = 1 << 20;

fn seeds() -> impl Iterator<Item = u64> {
    (0..N).map(black_box)
}

// ANCHOR: on_pool
/// N jobs on a warm `pool`, gathered on the loop.
fn on_pool(lp: &EventLoop, pool: &ProcessPool) -> Vec<u64> {
    let rounds = black_box(ROUNDS);
    let jobs = seeds().map(|seed| run_in_process(pool, CpuJob { seed, rounds }));
    let outputs = lp
        .run_until_complete(gather(lp.io().timers().core(), jobs))
        .expect("the gather task ends")
        .expect("no job task panics");
    outputs
        .into_iter()
        .map(|r| r.expect("the job ran"))
        .collect()
}
// ANCHOR_END: on_pool

fn cpu(c: &mut Criterion) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    eprintln!("cpu: N = {N} jobs of {ROUNDS} rounds, {cores} cores available");
    let mut group = c.benchmark_group("cpu");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    group.bench_function("one_job", |b| {
        b.iter(|| cpu_job(black_box(1), black_box(ROUNDS)))
    });
    group.bench_function("a_one_thread", |b| {
        b.iter(|| seeds().map(|s| cpu_job(s, ROUNDS)).collect::<Vec<_>>())
    });
    group.bench_function("b_std_threads", |b| {
        b.iter(|| {
            std::thread::scope(|scope| {
                let threads: Vec<_> = seeds()
                    .map(|s| scope.spawn(move || cpu_job(s, ROUNDS)))
                    .collect();
                threads
                    .into_iter()
                    .map(|t| t.join().unwrap())
                    .collect::<Vec<_>>()
            })
        })
    });

    let lp = EventLoop::new();
    group.bench_function("c_loop_to_thread", |b| {
        b.iter(|| {
            let jobs = seeds().map(|s| lp.to_thread(move || cpu_job(s, ROUNDS)));
            let core = lp.io().timers().core();
            lp.run_until_complete(gather(core, jobs)).unwrap().unwrap()
        })
    });
    for workers in [2, 4] {
        let pool = ProcessPool::start(lp.io(), workers, WORKER).unwrap();
        on_pool(&lp, &pool); // every worker has started and served once
        let name = format!("d_pool_{workers}_workers");
        group.bench_function(name, |b| b.iter(|| on_pool(&lp, &pool)));
        lp.run_until_complete(pool.shutdown(false)).unwrap();
    }
    group.finish();
}

/// One job on `pool`, awaited on the loop.
fn round_trip_of<J: Job + 'static>(lp: &EventLoop, pool: &ProcessPool, job: J) {
    let output = lp.run_until_complete(run_in_process(pool, job)).unwrap();
    black_box(output.expect("the job ran"));
}

/// What the pool and the worker do to 1 MiB of `Echo`, minus the pipes: encode
/// the request, decode it, run the job, encode the response, decode it and the
/// output.
fn serialize_both_ways(data: Vec<u8>) -> ByteBuf {
    let request = encode(&Request::for_job(1, &Echo(data)).unwrap()).unwrap();
    let request: Request = decode(&request[PREFIX..]).unwrap();
    let outcome = run_by_name(&request.name, &request.input);
    let response = encode(&Response { id: 1, outcome }).unwrap();
    let response: Response = decode(&response[PREFIX..]).unwrap();
    decode(&response.outcome.unwrap()).unwrap()
}

fn round_trip(c: &mut Criterion) {
    let mut group = c.benchmark_group("round_trip");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));

    let lp = EventLoop::new();
    group.bench_function("thread_to_thread", |b| {
        b.iter(|| lp.run_until_complete(lp.to_thread(|| black_box(1u32))))
    });
    let pool = ProcessPool::start(lp.io(), 1, WORKER).unwrap();
    round_trip_of(&lp, &pool, Pid); // warm: the worker has started and served
    group.bench_function("process_pid", |b| {
        b.iter(|| round_trip_of(&lp, &pool, Pid))
    });
    group.bench_function("process_echo_16_bytes", |b| {
        b.iter(|| round_trip_of(&lp, &pool, Echo(vec![7; 16])))
    });
    group.bench_function("process_echo_1_mib", |b| {
        b.iter(|| round_trip_of(&lp, &pool, Echo(vec![7; MIB])))
    });
    group.bench_function("serialize_1_mib_both_ways_no_pipe", |b| {
        b.iter(|| serialize_both_ways(black_box(vec![7; MIB])))
    });
    group.bench_function("postcard_1_mib_as_a_sequence", |b| {
        b.iter(|| {
            let frame = encode(&black_box(vec![7u8; MIB])).unwrap();
            decode::<Vec<u8>>(&frame[PREFIX..]).unwrap()
        })
    });
    group.bench_function("postcard_1_mib_as_bytes", |b| {
        b.iter(|| {
            let frame = encode(&ByteBuf::from(black_box(vec![7u8; MIB]))).unwrap();
            decode::<ByteBuf>(&frame[PREFIX..]).unwrap()
        })
    });
    lp.run_until_complete(pool.shutdown(false)).unwrap();
    group.finish();
}

/// Starts a 1-worker pool and awaits its first answer; returns how long that
/// took, and the pool.
fn start_and_ask(lp: &EventLoop) -> (Duration, ProcessPool) {
    let start = Instant::now();
    let pool = ProcessPool::start(lp.io(), 1, WORKER).unwrap();
    round_trip_of(lp, &pool, Pid);
    (start.elapsed(), pool)
}

fn startup(c: &mut Criterion) {
    let mut group = c.benchmark_group("startup");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));

    let lp = EventLoop::new();
    group.bench_function("pool_1_worker_first_answer", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (took, pool) = start_and_ask(&lp);
                total += took;
                // Not timed: the worker exits and is reaped.
                lp.run_until_complete(pool.shutdown(false)).unwrap();
            }
            total
        })
    });
    group.bench_function("pool_1_worker_first_answer_and_shutdown", |b| {
        b.iter(|| {
            let (_, pool) = start_and_ask(&lp);
            lp.run_until_complete(pool.shutdown(false)).unwrap();
        })
    });
    group.finish();
}

// What `criterion_group!` and `criterion_main!` expand to, minus an undocumented
// public fn.
fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    cpu(&mut criterion);
    round_trip(&mut criterion);
    startup(&mut criterion);
    criterion.final_summary();
}
