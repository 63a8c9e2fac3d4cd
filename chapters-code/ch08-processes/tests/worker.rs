//! The worker's side of the protocol, in memory, without a process: requests in,
//! responses out, each answered by its id; what the worker says when it does not
//! know a job or cannot read its input.

use std::io;

use ch08_processes::frame::{Decoder, decode, encode};
use ch08_processes::job::{CountPrimes, Job, Pid};
use ch08_processes::worker::{Request, Response, WorkerError, run_by_name, serve};

fn request(id: u64, name: &str, input: Vec<u8>) -> Vec<u8> {
    let name = name.to_string();
    encode(&Request { id, name, input }).unwrap()
}

fn responses(output: &[u8]) -> Vec<Response> {
    let mut decoder = Decoder::new();
    decoder.push(output);
    let mut responses = Vec::new();
    while let Some(payload) = decoder.next_frame().unwrap() {
        responses.push(decode(&payload).unwrap());
    }
    responses
}

#[test]
fn serve_answers_each_request_by_its_id_until_the_input_ends() {
    let job = postcard::to_stdvec(&CountPrimes { below: 100 }).unwrap();
    let mut input = request(7, CountPrimes::NAME, job.clone());
    input.extend(request(8, CountPrimes::NAME, job));
    let mut output = Vec::new();
    serve(&input[..], &mut output).unwrap();
    let count = postcard::to_stdvec(&25u64).unwrap();
    assert_eq!(
        responses(&output),
        [
            Response {
                id: 7,
                outcome: Ok(count.clone())
            },
            Response {
                id: 8,
                outcome: Ok(count)
            },
        ]
    );
}

#[test]
fn an_unknown_name_is_answered_with_an_error_and_serving_goes_on() {
    let mut input = request(1, "tests::Secret", Vec::new());
    let pid = postcard::to_stdvec(&Pid).unwrap();
    input.extend(request(2, Pid::NAME, pid));
    let mut output = Vec::new();
    serve(&input[..], &mut output).unwrap();
    let answers = responses(&output);
    let unknown = WorkerError::UnknownJob {
        name: "tests::Secret".into(),
    };
    assert_eq!(answers[0].outcome, Err(unknown));
    assert!(answers[1].outcome.is_ok());
}

#[test]
fn input_that_is_not_the_named_job_is_bad_input() {
    let outcome = run_by_name(CountPrimes::NAME, &[]);
    let Err(WorkerError::BadInput { name, why }) = outcome else {
        panic!("expected BadInput, got {outcome:?}");
    };
    assert_eq!(name, CountPrimes::NAME);
    assert_eq!(
        why,
        "malformed frame: Hit the end of buffer, expected more data"
    );
}

#[test]
fn a_stream_cut_inside_a_request_is_an_error() {
    let input = request(1, Pid::NAME, Vec::new());
    let error = serve(&input[..5], io::sink()).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert!(
        error.to_string().contains("ended inside a frame"),
        "{error}"
    );
}
