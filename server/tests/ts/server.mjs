// Shared by the TypeScript SDK checks: the server binary as a child process (its first stdout
// line is the URL it serves), killed when the check ends however it ends, and small asserts
// that name the case that failed.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import readline from "node:readline";

const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

// Starts BIN ARGS...; resolves to { url, second, lines, stop } once the banner is read.
export function startServer(bin, args) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.add(child);
  const lines = [];
  const rl = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${bin} printed no URL in 30 s`)), 30_000);
    child.on("exit", (code) => reject(new Error(`${bin} ${args.join(" ")} exited (${code}) before its URL`)));
    rl.on("line", (line) => {
      lines.push(line);
      if (lines.length === 2) {
        clearTimeout(timer);
        resolve({
          url: lines[0],
          second: lines[1],
          lines,
          stop: () => new Promise((done) => {
            child.once("exit", (code, signal) => { children.delete(child); done({ code, signal }); });
            child.kill("SIGTERM");
          }),
        });
      }
    });
  });
}

// The official SDK from SDK_DIR/node_modules (run.sh installs it there): HathoraCloud, and the
// error classes.
export function loadSdk(sdkDir) {
  const require = createRequire(path.join(path.resolve(sdkDir), "package.json"));
  return {
    ...require("@hathora/cloud-sdk-typescript"),
    errors: require("@hathora/cloud-sdk-typescript/models/errors/index.js"),
  };
}

let failed = 0;
export function check(name, ok, detail = "") {
  if (ok) {
    console.log(`ok: ${name}`);
  } else {
    failed += 1;
    console.log(`FAILED: ${name}${detail ? `: ${detail}` : ""}`);
  }
}

// Exits 1 when a check failed.
export function finish() {
  console.log(failed ? `${failed} checks failed` : "all checks passed");
  process.exit(failed ? 1 : 0);
}
