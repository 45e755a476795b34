export { enqueue, type EnqueueOptions } from "./enqueue";
export { jobNames, jobSchemas, isJobName, parseJobData, videoJobNames, type JobData, type JobName } from "./jobs";
