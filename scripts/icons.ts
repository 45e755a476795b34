import { buildIcons } from "./lib/icons";

// `npm run build` runs this before `next build`; `npm start` and `npm test` build through scripts/lib/build.ts.
const written = await buildIcons(process.cwd());
console.log(written.length ? `icons: wrote ${written.length}` : "icons: current");
