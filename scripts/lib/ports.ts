import net from "node:net";

/**
 * The first port from `start` that nothing listens on. Scanning up from a configured port (instead
 * of asking the OS for any) keeps test servers inside the range a machine's owner gave Reel.
 */
export async function freePort(start: number, options: { host?: string; count?: number; exclude?: number[] } = {}): Promise<number> {
  const { host = "127.0.0.1", count = 50, exclude = [] } = options;
  for (let port = start; port < start + count && port <= 65535; port++) {
    // 5432 belongs to a system Postgres when there is one.
    if (port === 5432 || exclude.includes(port)) continue;
    if (await canListen(port, host)) return port;
  }
  throw new Error(`no free port in ${start}–${start + count - 1}`);
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}
