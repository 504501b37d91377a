// DiscoveryV2 with the official TypeScript SDK: getPingServiceEndpoints() against the rooms
// server parses its answer (regions, host, port), and every beacon it lists returns a datagram
// byte for byte (and nothing for one over the size limit).
//
//   node discovery.mjs SDK_DIR SERVER_BINARY
import dgram from "node:dgram";
import { randomBytes } from "node:crypto";
import { check, finish, loadSdk, startServer } from "./server.mjs";

const [sdkDir, bin] = process.argv.slice(2);
const { HathoraCloud } = loadSdk(sdkDir);
const regions = ["London", "Tokyo", "Sao_Paulo"];
const server = await startServer(bin, [
  "--quiet",
  ...regions.flatMap((r) => ["--beacon", `${r}=127.0.0.1:0`]),
]);

const sdk = new HathoraCloud({ serverURL: server.url });
const endpoints = await sdk.discoveryV2.getPingServiceEndpoints();
check("the SDK parses an array of three endpoints", Array.isArray(endpoints) && endpoints.length === 3,
  JSON.stringify(endpoints));
check("the regions, in order", JSON.stringify(endpoints.map((e) => e.region)) === JSON.stringify(regions),
  JSON.stringify(endpoints));
for (const e of endpoints) {
  check(`${e.region}: host and port`, e.host === "127.0.0.1" && Number.isInteger(e.port) && e.port > 0,
    JSON.stringify(e));
}
const raw = await (await fetch(`${server.url}/discovery/v2/ping`)).json();
const fields = (list) => JSON.stringify(list.map((e) => [e.region, e.host, e.port]));
check("the SDK's result is the JSON answer", fields(raw) === fields(endpoints),
  `${fields(raw)} vs ${fields(endpoints)}`);

// Sends `datagram`, resolves to the first answer or null after `ms`.
function echo(port, datagram, ms) {
  return new Promise((resolve) => {
    const socket = dgram.createSocket("udp4");
    const timer = setTimeout(() => { socket.close(); resolve(null); }, ms);
    socket.on("message", (msg) => { clearTimeout(timer); socket.close(); resolve(msg); });
    socket.send(datagram, port, "127.0.0.1");
  });
}

for (const e of endpoints) {
  const datagram = randomBytes(20);
  const answer = await echo(e.port, datagram, 5000);
  check(`${e.region}: the beacon echoes byte for byte`, answer !== null && datagram.equals(answer),
    answer === null ? "no answer in 5 s" : answer.toString("hex"));
  const tooLong = await echo(e.port, randomBytes(513), 500);
  check(`${e.region}: 513 bytes get no answer`, tooLong === null);
}
const stopped = await server.stop();
check("the server stops with exit 0", stopped.code === 0, JSON.stringify(stopped));
finish();
