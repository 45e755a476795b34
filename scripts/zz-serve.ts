import http from "node:http";
const { serveMedia } = await import("@/lib/media/node-adapter");
const server = http.createServer({ keepAliveTimeout: 30000 }, serveMedia);
server.listen(3344, "127.0.0.1", () => console.log("ready"));
process.on("SIGUSR2", () => { const u = process.cpuUsage(); console.error(((u.user + u.system) / 1e6).toFixed(3)); });
process.on("SIGTERM", () => process.exit(0));
