import type { HlsConfig } from "hls.js";

/** hls.js settings for Reel's ladders. `audioTrack`: the name of the alternate audio rendition to start with. */
export function hlsConfig(startLevel: number, bandwidthEstimate: number, startAt: number, audioTrack?: string): Partial<HlsConfig> {
  return {
    // Chosen before the manifest loads, so the start does not fetch one language only to switch to another.
    ...(audioTrack !== undefined && { audioPreference: { name: audioTrack } }),
    startLevel,
    abrEwmaDefaultEstimate: bandwidthEstimate,
    testBandwidth: false,
    capLevelToPlayerSize: true,
    startPosition: startAt > 0 ? startAt : -1,
    startFragPrefetch: true,
    // Reel's ladders are fMP4, which needs no transmuxing: a worker would only add its start-up to the first frame.
    enableWorker: false,
    maxBufferLength: 30,
    backBufferLength: 60,
  };
}
