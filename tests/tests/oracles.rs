//! The book's Python and JavaScript snippets, one test each, run by `python3` (or the CPython
//! version the info string names), `node` or headless Chromium; each must print exactly the
//! `text,output` block that follows it. An oracle for a named CPython that is not installed is
//! ignored, with one line on stderr saying why.

use book_tests::lint::Book;
use book_tests::oracle::{self, Oracle, Outcome};
use libtest_mimic::{Arguments, Failed, Trial};
use std::collections::BTreeMap;

fn main() {
    let arguments = Arguments::from_args();
    let skip_all = std::env::var_os("BOOK_SKIP_ORACLES").is_some_and(|v| v == "1");
    // Reason -> how many oracles it skips.
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let trials = oracle::oracles(&Book::at(book_tests::workspace_root()))
        .into_iter()
        .map(|oracle: Oracle| {
            let looked_at = oracle.clone();
            let trial = Trial::test(oracle.name.clone(), move || match oracle::run(&oracle) {
                Ok(Outcome::Passed) => Ok(()),
                // Reached only when asked to run ignored tests: the snippet cannot run here.
                Ok(Outcome::Skipped(why)) => Err(Failed::from(why)),
                Err(error) => Err(Failed::from(error)),
            });
            // Looking for a named CPython costs a few processes: only for tests that run.
            let reason = if skip_all || arguments.is_filtered_out(&trial) {
                None
            } else {
                oracle::skip_reason(&looked_at)
            };
            if let Some(reason) = &reason {
                *skipped.entry(reason.clone()).or_default() += 1;
            }
            trial.with_ignored_flag(skip_all || reason.is_some())
        })
        .collect();
    if skip_all {
        eprintln!(
            "BOOK_SKIP_ORACLES=1: the Python and JavaScript oracles are skipped (CI never skips them)"
        );
    }
    for (reason, count) in &skipped {
        let plural = if *count == 1 { "" } else { "s" };
        eprintln!("skipped {count} oracle{plural}: {reason}");
    }
    libtest_mimic::run(&arguments, trials).exit();
}
