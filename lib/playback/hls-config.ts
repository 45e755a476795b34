import type { HlsConfig } from "hls.js";

/** hls.js settings for Reel's ladders. */
export function hlsConfig(startLevel: number, bandwidthEstimate: number, startAt: number): Partial<HlsConfig> {
  return {
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
