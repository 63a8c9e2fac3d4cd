const start = performance.now();
const log = [];

setTimeout(() => {
  log.push("the timer due at 10 ms");
  console.log(log.join("\n"));
  console.log("it ran after 100 ms or more:", performance.now() - start >= 100);
}, 10);

// 100 ms of CPU work that never gives the loop a turn
while (performance.now() - start < 100) {}
log.push("the CPU work, 100 ms long");
