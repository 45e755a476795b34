export * from "./users";
export * from "./system";
export * from "./videos";
export * from "./library";
export * from "./playback";
export * from "./imports";
export * from "./media-folders";
export * from "./proxy";
