/** Where the instance under test listens (exported by `npm test`). */
export const baseURL = process.env.REEL_E2E_BASE_URL ?? "http://127.0.0.1:3000";
