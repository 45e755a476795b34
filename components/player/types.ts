export type { CaptionTrack, PlayerSource } from "@/lib/playback/types";

export type EngineMode = "hls" | "native-hls" | "mp4";
