// The latency scenario of bench/run.sh for the official TypeScript SDK: N GetConnectionInfo calls
// at once on one HathoraCloud client (one Node thread, its event loop), time until the last one
// resolved, ROUNDS times on the same client (round 1 opens the connections).
//
//   node bench/ts/latency.mjs SDK_DIR URL APP_ID ROOM N ROUNDS
//
// SDK_DIR holds node_modules/@hathora/cloud-sdk-typescript (bench/run.sh installs it there).
// Prints one key=value line, like bench/c/latency.c.
import { createRequire } from "node:module";
import { readdirSync } from "node:fs";
import path from "node:path";

const [sdkDir, url, appId, room, nArg, roundsArg] = process.argv.slice(2);
const n = Number(nArg);
const rounds = Number(roundsArg || 3);
const require = createRequire(path.join(path.resolve(sdkDir), "package.json"));
const { HathoraCloud } = require("@hathora/cloud-sdk-typescript");
const sdk = new HathoraCloud({ appId, serverURL: url });

const threads = () => readdirSync("/proc/self/task").length;
let peak = threads();
const sampler = setInterval(() => { peak = Math.max(peak, threads()); }, 1);

const times = [];
let failed = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const results = await Promise.allSettled(
    Array.from({ length: n }, () => sdk.roomsV2.getConnectionInfo(room)));
  times.push((performance.now() - t0) / 1000);
  failed += results.filter((x) => x.status !== "fulfilled").length;
  peak = Math.max(peak, threads());
}
clearInterval(sampler);
const warm = times.slice(1).sort((a, b) => a - b);
const median = warm.length ? warm[Math.floor((warm.length - 1) / 2)] : times[0];
console.log(`n=${n} rounds=${rounds} first_s=${times[0].toFixed(4)} warm_s=${median.toFixed(4)} ` +
  `runs_s=${times.map((t) => t.toFixed(4)).join("/")} peak_threads=${peak} failed=${failed}`);
process.exit(failed ? 1 : 0);
