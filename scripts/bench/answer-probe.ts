/**
 * What a reader waits for each kind of answer of the response cache (lib/server/response-cache.ts): a one-connection
 * wrk beside the load asks for the same pages one at a time and writes each answer's time with its `x-reel-cache`
 * (hit; stale, the copy being replaced; anything else was made for it). wrk's own latencies cannot be told apart by
 * answer, and it corrects them for coordinated omission, so a few long stalls make its p95: the probe shows which.
 */

export type Answer = "all" | "hit" | "stale" | "made";
export type AnswerStats = { count: number; p50: number; p95: number };

/**
 * The probe's wrk script. `prelude` is Lua that defines `nextRequest()` (the next request to make), and none of
 * wrk's own functions.
 */
export function probeScript(prelude: string): string {
  return `local ffi = require("ffi")
ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } reel_timespec; int clock_gettime(int, reel_timespec *); ]]
local ts = ffi.new("reel_timespec")
local function now()
  ffi.C.clock_gettime(1, ts)
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end
${prelude}local started = 0
request = function()
  started = now()
  return nextRequest()
end
-- Written as they come: wrk's thread:get crashes on a table of tables.
response = function(status, headers, body)
  local cache = headers["x-reel-cache"]
  local answer = (cache == "hit" or cache == "stale") and cache or "made"
  io.write(string.format("PROBE %s %.3f\\n", answer, now() - started))
end
`;
}

/**
 * The load's wrk script: `prelude` as for probeScript; counts the answers that were hits and stale copies, and ends
 * with "RESULT p50 p95 requests duration errors hits stale" (ms, µs).
 */
export function countingScript(prelude: string): string {
  return `${prelude}local threads = {}
setup = function(thread)
  table.insert(threads, thread)
end
hits = 0
stale = 0
request = nextRequest
response = function(status, headers, body)
  local cache = headers["x-reel-cache"]
  if cache == "hit" then hits = hits + 1 elseif cache == "stale" then stale = stale + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  local hit, old = 0, 0
  for _, thread in ipairs(threads) do
    hit = hit + thread:get("hits")
    old = old + thread:get("stale")
  end
  io.write(string.format("RESULT %f %f %d %d %d %d %d\\n", latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout + e.status, hit, old))
end
`;
}

/** The probe's answers by kind (from its output), with p50/p95 per kind and over all of them. */
export function probeStats(out: string): Record<Answer, AnswerStats> {
  const times: Record<Answer, number[]> = { all: [], hit: [], stale: [], made: [] };
  for (const [, answer, ms] of out.matchAll(/^PROBE (hit|stale|made) (\S+)$/gm)) {
    times[answer as Answer].push(Number(ms));
    times.all.push(Number(ms));
  }
  const at = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN;
  return Object.fromEntries(
    Object.entries(times).map(([answer, list]) => {
      list.sort((a, b) => a - b);
      return [answer, { count: list.length, p50: at(list, 50), p95: at(list, 95) }];
    }),
  ) as Record<Answer, AnswerStats>;
}

/** "hit n=… p50/p95 · stale … · made … · all …", each kind's count and times in ms. */
export function formatByAnswer(stats: Record<Answer, AnswerStats>, share?: Partial<Record<Answer, number>>): string {
  const cell = (answer: Answer) => {
    const s = stats[answer];
    const part = share?.[answer];
    return `${answer} ${part === undefined ? "" : `${(part * 100).toFixed(1)}% `}n=${s.count} ${s.count ? `${s.p50.toFixed(1)}/${s.p95.toFixed(1)}` : "-"}`;
  };
  return (["hit", "stale", "made", "all"] as const).map(cell).join(" · ");
}
