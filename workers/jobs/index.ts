import { captionsJob } from "./captions";
import { faststartJob } from "./faststart";
import { hlsLadderJob } from "./hls-ladder";
import { posterJob } from "./poster";
import { probeJob } from "./probe";
import { storyboardJob } from "./storyboard";
import type { JobDefinition } from "./types";

/** Every pipeline job a worker runs, in pipeline order. */
export const pipelineJobs = [probeJob, faststartJob, posterJob, hlsLadderJob, storyboardJob, captionsJob] as JobDefinition[];
