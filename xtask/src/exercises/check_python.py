"""Runs a Python exercise's checker against an answer; one JSON line per event on stdout.

Usage: python3 check_python.py CHECKER ANSWER PROGRAMS_DIR

The answer (the reader's stub, or the reference solution) is imported as the module `answer`;
the checker's `test_*(answer)` functions run in the order the file defines them. Before each
test a {"start": name} line, after it {"test": name, "passed": bool, "message": str}, so that
`cargo xtask` can name a test that never finished; at the end {"done": count}. An answer that cannot even be imported gives
one {"error": text} line instead. `PROGRAMS_DIR` (the book's src/programs, home of the Python
twins) is put on sys.path for the answer and the checker alike.
"""

import importlib.util
import inspect
import json
import os
import sys
import traceback


def emit(**event):
    print(json.dumps(event), flush=True)


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def describe(error, answer_path):
    """A failure in words: the assert's message, or the exception and where it came from. The
    stub and its checker share a file name, so a place is named as "your answer" or "the
    checker", never by the bare name."""
    if isinstance(error, NotImplementedError):
        return f"not implemented: {error}"
    if isinstance(error, AssertionError) and error.args:
        return str(error)
    frames = traceback.extract_tb(error.__traceback__)
    answer = os.path.realpath(answer_path)
    mine = [frame for frame in frames if os.path.realpath(frame.filename) == answer]
    if mine:
        where = f" (raised in your answer, line {mine[-1].lineno})"
    elif frames:
        where = f" (raised in the checker, line {frames[-1].lineno})"
    else:
        where = ""
    return f"{type(error).__name__}: {error}{where}"


def main(checker_path, answer_path, programs_dir):
    sys.path.insert(0, programs_dir)
    try:
        answer = load("answer", answer_path)
    except Exception:
        emit(error=traceback.format_exc(limit=-3))
        return
    checker = load("exercise_checker", checker_path)
    tests = [
        (name, function)
        for name, function in vars(checker).items()
        if name.startswith("test_") and inspect.isfunction(function)
    ]
    tests.sort(key=lambda item: item[1].__code__.co_firstlineno)
    for name, test in tests:
        emit(start=name)
        try:
            test(answer)
        except BaseException as error:  # a wrong answer may raise anything, CancelledError too
            emit(test=name, passed=False, message=describe(error, answer_path))
            if isinstance(error, KeyboardInterrupt):
                raise
        else:
            emit(test=name, passed=True, message="")
    # Without this line xtask knows the checker did not reach its end (os._exit, a crash).
    emit(done=len(tests))


if __name__ == "__main__":
    main(*sys.argv[1:4])
