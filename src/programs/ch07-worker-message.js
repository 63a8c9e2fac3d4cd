// p3: a Worker posts its result; the handler runs on the main thread's loop
const { Worker, isMainThread } = require("node:worker_threads");

const worker = new Worker(
  `const { parentPort } = require("node:worker_threads");
  const nap = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(nap, 0, 0, 5); // a blocking call: 5 ms, on the worker's thread
  parentPort.postMessage("2026-11: ready");`,
  { eval: true },
);
worker.on("message", (status) => {
  console.log("message handler, on the main thread:", isMainThread, status);
});
console.log("synchronous code done, on the main thread:", isMainThread);
