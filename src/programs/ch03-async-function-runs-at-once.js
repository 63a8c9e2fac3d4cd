const log = [];

async function worker() {
  log.push("body, before the first await");
  await null;
  log.push("body, after the first await");
}

log.push("before the call");
const done = worker();
log.push("after the call");
done.then(() => {
  console.log(log.join("\n"));
});
