// j1: Promise.all rejects at the first failure; the sibling runs on
let openGate;
const gate = new Promise((resolve) => {
  openGate = resolve;
});

async function fails() {
  await null; // fail one step later, not at the call
  throw new Error("boom");
}

async function sibling() {
  await gate; // opened only after Promise.all has rejected
  console.log("sibling still running after the rejection");
  return "sibling done";
}

async function main() {
  const other = sibling();
  try {
    await Promise.all([fails(), other]);
  } catch (error) {
    console.log("Promise.all rejected:", error.message);
  }
  openGate();
  console.log("the sibling returned:", await other);
}

main();
