// hls.js ships the light build (no EME, alternate audio or in-manifest subtitles: Reel uses none of them)
// without its own declarations; its API is the full build's.
declare module "hls.js/light" {
  export * from "hls.js";
  export { default } from "hls.js";
}
