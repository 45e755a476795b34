/**
 * `npm start` (and `npm run dev` with --dev): validate the configuration, then hand over to the
 * launcher. The configuration is checked first, on its own, so a wrong value stops start-up with a
 * message naming the variable instead of a stack trace from whichever module read it first.
 */
try {
  // A .env file in the working folder is read if present; real environment variables win over it.
  process.loadEnvFile(".env");
} catch (error) {
  if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
}

try {
  await import("@/lib/env");
} catch (error) {
  if ((error as Error).name !== "EnvError") throw error;
  console.error(`${(error as Error).message}\n\nReel did not start. Every setting is described in .env.example and the README.`);
  process.exit(1);
}

const { launch } = await import("./lib/launch");
await launch({ dev: process.argv.includes("--dev") });
export {};
