// RoomsV2 over HTTPS with the official TypeScript SDK, and a game server's process token.
//
//   node https.mjs SDK_DIR SERVER_BINARY CERT KEY GAME_SERVER WORK_DIR trusted|untrusted
//
// trusted (NODE_EXTRA_CA_CERTS names the test CA): create a room with the dev token, poll
// getConnectionInfo until active, read the room, and as the game server (the token from the
// environment its process was given) list its active rooms and read its room, while CreateRoom
// with that token is refused with ApiError 401; destroy the room.
// untrusted (no CA given to Node): the SDK refuses the server's certificate.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { check, finish, loadSdk, startServer } from "./server.mjs";

const [sdkDir, bin, cert, key, gameServer, workDir, mode] = process.argv.slice(2);
const { HathoraCloud, errors } = loadSdk(sdkDir);
const appId = "ts-app";
const devToken = "ts-dev-token";
const server = await startServer(bin, [
  "--quiet", "--app-id", appId, "--token", devToken, "--tls-cert", cert, "--tls-key", key,
  "--port-range", "19950-19959", "--state", path.join(workDir, `${mode}.db`), "--",
  "python3", gameServer, "--env-dump", path.join(workDir, "env-{process_id}.json"),
]);
check("the URL line is https", server.url.startsWith("https://127.0.0.1:"), server.url);
const sdk = new HathoraCloud({ serverURL: server.url, appId, hathoraDevToken: devToken });

if (mode === "untrusted") {
  let error = null;
  try {
    await sdk.roomsV2.getConnectionInfo("nothing");
  } catch (e) {
    error = e;
  }
  // ConnectionError ← fetch's TypeError ← Node's TLS error, whose code names the reason.
  const causes = [];
  for (let e = error; e; e = e.cause) causes.push(`${e.name ?? ""} ${e.code ?? ""} ${e.message ?? e}`);
  check("without the CA the SDK refuses the server", error instanceof errors.ConnectionError
    && causes.some((c) => /UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(c)), causes.join(" <- "));
if (error) console.log(`refused with: ${causes.join(" <- ")}`);
} else {
  const created = await sdk.roomsV2.createRoom({ region: "London", roomConfig: "ts over TLS" }, undefined, "ts-room");
  check("createRoom", created.roomId === "ts-room", JSON.stringify(created));
  let info = null;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    info = await sdk.roomsV2.getConnectionInfo("ts-room");
    if (info.status === "active") break;
    await new Promise((r) => setTimeout(r, 50));
  }
  check("getConnectionInfo until active", info?.status === "active" && info.exposedPort?.port > 0, JSON.stringify(info));
  const room = await sdk.roomsV2.getRoomInfo("ts-room");
  check("getRoomInfo", room.roomConfig === "ts over TLS" && room.status === "active", JSON.stringify(room));

  const dump = path.join(workDir, `env-${created.processId}.json`);
  while (!existsSync(dump) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const env = JSON.parse(readFileSync(dump, "utf8"));
  const token = env.HATHORA_PROCESS_TOKEN;
  check("the game server got its process token", typeof token === "string" && token.startsWith(`hpt1.${created.processId}.`));
  check("the game server got the https base URL", env.HATHORA_BASE_URL === server.url, env.HATHORA_BASE_URL);
  const gameServerSdk = new HathoraCloud({ serverURL: server.url, appId, hathoraDevToken: token });
  const mine = await gameServerSdk.roomsV2.getActiveRoomsForProcess(created.processId);
  check("getActiveRoomsForProcess with the process token", mine.length === 1 && mine[0].roomId === "ts-room",
    JSON.stringify(mine));
  const itsRoom = await gameServerSdk.roomsV2.getRoomInfo("ts-room");
  check("getRoomInfo with the process token", itsRoom.roomId === "ts-room");
  let refused = null;
  try {
    await gameServerSdk.roomsV2.createRoom({ region: "London" });
  } catch (e) {
    refused = e;
  }
  check("createRoom with the process token: ApiError 401", refused instanceof errors.ApiError && refused.statusCode === 401,
    `${refused?.name} ${refused?.statusCode}: ${refused?.message}`);
  await sdk.roomsV2.destroyRoom("ts-room");
  const gone = await sdk.roomsV2.getRoomInfo("ts-room");
  check("destroyRoom", gone.status === "destroyed", JSON.stringify(gone));
}
const stopped = await server.stop();
check("the server stops with exit 0", stopped.code === 0, JSON.stringify(stopped));
finish();
