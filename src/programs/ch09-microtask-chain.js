// a chain of 1,000 microtasks, started by a timer, runs before a due timer
const log = [];
let i = 0;
const link = () => {
  i += 1;
  log.push(`link ${i}`);
  if (i < 1000) queueMicrotask(link);
};
setTimeout(() => queueMicrotask(link), 0);
setTimeout(() => {
  log.push("timer 2");
  console.log("links before timer 2:", log.indexOf("timer 2"));
}, 0);
const end = Date.now() + 5;
while (Date.now() < end); // 5 ms of work: both timers are due
