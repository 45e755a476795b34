import http from "node:http";
const { serveMedia } = await import("@/lib/media/node-adapter");
const server = http.createServer({ keepAliveTimeout: 30000 }, serveMedia);
server.listen(3344, "127.0.0.1", () => console.log("ready"));
process.on("SIGTERM", () => { const u = process.cpuUsage(); console.error(JSON.stringify({ cpu: (u.user + u.system) / 1e6 })); process.exit(0); });
process.on("SIGINT", () => process.exit(0));
