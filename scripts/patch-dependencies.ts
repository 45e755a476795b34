/**
 * `postinstall`: fixes in installed dependencies that their releases do not have yet. Each patch is
 * an exact text replacement, applied once (its first replacement's text says it is there), and written as a new file
 * renamed over the old one: node_modules may be hard-linked from a shared store, which an in-place
 * edit would change for every checkout using it. A patch whose text is not found (the dependency
 * changed) is reported and skipped; the test that proves it then says whether it is still needed.
 */
import fs from "node:fs";
import path from "node:path";

type Patch = { why: string; files: string[]; replacements: [from: string, to: string][] };

const MARKER = "/* patched by Reel: scripts/patch-dependencies.ts */";

const patches: Patch[] = [
  {
    // postgres.js 3.4.9 (porsager/postgres#1154, #1208): a write buffered for the next tick is flushed
    // after the connection closed, on a null socket, which throws outside any promise and kills the
    // process. Postgres restarting while a transaction is open does it every time (its ROLLBACK goes
    // out on the dead connection). Teardown also left the cleared timer set, so that connection
    // never flushed a small write again. Proven by workers/postgres-restart.test.ts.
    why: "postgres.js: a write flushed after its connection closed kills the process",
    files: ["postgres/src/connection.js", "postgres/cjs/src/connection.js", "postgres/cf/src/connection.js"],
    replacements: [
      [
        "  function nextWrite(fn) {\n    const x = socket.write(chunk, fn)",
        `  function nextWrite(fn) {\n    ${MARKER}\n    if (!socket) {\n      chunk = nextWriteTimer = null\n      error(Errors.connection('CONNECTION_CLOSED', options))\n      return false\n    }\n    const x = socket.write(chunk, fn)`,
      ],
      ["    clearImmediate(nextWriteTimer)\n    if (socket) {", "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    if (socket) {"],
      ["    clearImmediate(nextWriteTimer)\n    socket.removeListener('data', data)", "    clearImmediate(nextWriteTimer)\n    chunk = nextWriteTimer = null\n    socket.removeListener('data', data)"],
    ],
  },
  {
    // postgres.js 3.4.9 (porsager/postgres#823, #1189, #1210, #1218): sql.begin() reserves its connection in a hook
    // that runs only when the BEGIN leaves room in the connection's pipeline. A BEGIN that filled it (the hundredth
    // query on a busy connection, or a socket pushing back) was sent but never reserved: UNSAFE_TRANSACTION, and the
    // server left in a transaction that later queries of the pool ran inside. The hook now runs whenever BEGIN is sent.
    // Proven by lib/db/transactions.test.ts.
    why: "postgres.js: a BEGIN that fills its connection's pipeline does not reserve the connection",
    files: ["postgres/src/connection.js", "postgres/cjs/src/connection.js", "postgres/cf/src/connection.js"],
    replacements: [
      [
        "      build(q)\n      return write(toBuffer(q))\n        && !q.describeFirst\n        && !q.cursorFn\n        && sent.length < max_pipeline\n        && (!q.options.onexecute || q.options.onexecute(connection))",
        `      build(q)\n      ${MARKER}\n      const written = write(toBuffer(q))\n      const reserved = !q.options.onexecute || q.options.onexecute(connection)\n      return written\n        && !q.describeFirst\n        && !q.cursorFn\n        && sent.length < max_pipeline\n        && reserved`,
      ],
    ],
  },
];

const modules = path.resolve(import.meta.dirname, "..", "node_modules");
for (const patch of patches) {
  for (const relative of patch.files) {
    const file = path.join(modules, relative);
    if (!fs.existsSync(file)) continue;
    let text = fs.readFileSync(file, "utf8");
    if (text.includes(patch.replacements[0][1])) continue;
    const missing = patch.replacements.filter(([from]) => text.split(from).length !== 2);
    if (missing.length > 0) {
      console.warn(`patch-dependencies: not applied to ${relative} (its text changed): ${patch.why}`);
      continue;
    }
    for (const [from, to] of patch.replacements) text = text.replace(from, to);
    const staging = `${file}.reel-${process.pid}`;
    fs.writeFileSync(staging, text, { mode: fs.statSync(file).mode });
    fs.renameSync(staging, file);
    console.log(`patch-dependencies: ${relative}: ${patch.why}`);
  }
}
