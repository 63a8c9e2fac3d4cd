//! The book's Python and JavaScript snippets, one test each, run by `python3` and `node`; each
//! must print exactly the `text,output` block that follows it.

use book_tests::lint::Book;
use book_tests::oracle::{self, Oracle};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let arguments = Arguments::from_args();
    let skip = std::env::var_os("BOOK_SKIP_ORACLES").is_some_and(|v| v == "1");
    let trials = oracle::oracles(&Book::at(book_tests::workspace_root()))
        .into_iter()
        .map(|oracle: Oracle| {
            let name = oracle.name.clone();
            Trial::test(name, move || oracle::run(&oracle).map_err(Failed::from))
                .with_ignored_flag(skip)
        })
        .collect();
    if skip {
        eprintln!(
            "BOOK_SKIP_ORACLES=1: the Python and JavaScript oracles are skipped (CI never skips them)"
        );
    }
    libtest_mimic::run(&arguments, trials).exit();
}
