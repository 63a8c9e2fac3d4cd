//! The worker program the pool starts, one process per worker: a fresh process
//! that knows the crate's jobs, as multiprocessing's *spawn* start method starts a
//! fresh interpreter that imports the job's module.

fn main() -> std::process::ExitCode {
    ch08_processes::worker::main()
}
