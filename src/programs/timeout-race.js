// a timeout in JavaScript: Promise.race settles; the slow call runs on
const { setTimeout: sleep } = require("node:timers/promises");

async function slow() {
  await sleep(20);
  console.log("slow() finished anyway: nothing cancelled it");
}

function timeout(ms) {
  return sleep(ms).then(() => {
    throw new Error(`timed out after ${ms} ms`);
  });
}

Promise.race([slow(), timeout(5)]).catch((error) => {
  console.log("Promise.race rejected:", error.message);
});
