//! The worker process of chapter 1: JSON requests on stdin, JSON responses on
//! stdout.

fn main() -> std::io::Result<()> {
    ch01_three_models::worker::serve_stdio()
}
