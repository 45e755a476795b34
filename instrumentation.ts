/**
 * Next's start-up hook (runs once per server process, `next start` and the custom server alike):
 * expired partial uploads are cleaned from here because they live on the web server's disk, and the
 * process's request statistics are published to the database from here (lib/monitoring).
 */
export async function register() {
  // The documented guard: this file is also compiled for the edge runtime, which has no file system.
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { startUploadCleanup } = await import("@/lib/uploads/server");
  startUploadCleanup();
  const { startMonitoring } = await import("@/lib/monitoring/publisher");
  startMonitoring();
}
