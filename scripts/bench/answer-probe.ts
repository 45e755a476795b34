/**
 * What a reader waits for each kind of answer of the response cache (lib/server/response-cache.ts): a one-connection
 * wrk beside the load asks for the same pages one at a time and writes each answer's time with its `x-reel-cache`
 * (hit; stale, the copy being replaced; anything else was made for it). wrk's own latencies cannot be told apart by
 * answer, and it corrects them for coordinated omission, so a few long stalls make its p95: the probe shows which.
 */

export type Answer = "all" | "hit" | "stale" | "made";
export type AnswerStats = { count: number; p50: number; p95: number; max: number };
/** One answer of the probe: its kind, how long it took and when it was asked, in ms since the probe's first request. */
export type ProbedAnswer = { answer: Exclude<Answer, "all">; ms: number; at: number };

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
local first = nil
request = function()
  started = now()
  first = first or started
  return nextRequest()
end
-- Written as they come: wrk's thread:get crashes on a table of tables.
response = function(status, headers, body)
  local cache = headers["x-reel-cache"]
  local answer = (cache == "hit" or cache == "stale") and cache or "made"
  io.write(string.format("PROBE %s %.3f %.0f\\n", answer, now() - started, started - first))
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

/** The probe's answers (from its output), in the order they came. */
export function probedAnswers(out: string): ProbedAnswer[] {
  return [...out.matchAll(/^PROBE (hit|stale|made) (\S+) (\S+)$/gm)].map(([, answer, ms, at]) => ({ answer: answer as ProbedAnswer["answer"], ms: Number(ms), at: Number(at) }));
}

/** The answers by kind, with p50/p95/max per kind and over all of them. */
export function probeStats(answers: ProbedAnswer[]): Record<Answer, AnswerStats> {
  const times: Record<Answer, number[]> = { all: [], hit: [], stale: [], made: [] };
  for (const { answer, ms } of answers) {
    times[answer].push(ms);
    times.all.push(ms);
  }
  const at = (list: number[], p: number) => list[Math.min(list.length - 1, Math.floor((p / 100) * list.length))] ?? NaN;
  return Object.fromEntries(
    Object.entries(times).map(([answer, list]) => {
      list.sort((a, b) => a - b);
      return [answer, { count: list.length, p50: at(list, 50), p95: at(list, 95), max: list.at(-1) ?? NaN }];
    }),
  ) as Record<Answer, AnswerStats>;
}

/** The `count` slowest answers, as "kind ms at s": where a few long stalls are, which make wrk's corrected p95. */
export function slowest(answers: ProbedAnswer[], count = 3): string {
  return [...answers]
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count)
    .map(({ answer, ms, at }) => `${answer} ${ms.toFixed(0)} ms at ${(at / 1000).toFixed(1)} s`)
    .join(", ");
}

/** "hit n=… p50/p95/max · stale … · made … · all …", each kind's count and times in ms. */
export function formatByAnswer(stats: Record<Answer, AnswerStats>, share?: Partial<Record<Answer, number>>): string {
  const cell = (answer: Answer) => {
    const s = stats[answer];
    const part = share?.[answer];
    return `${answer} ${part === undefined ? "" : `${(part * 100).toFixed(1)}% `}n=${s.count} ${s.count ? `${s.p50.toFixed(1)}/${s.p95.toFixed(1)}/${s.max.toFixed(0)}` : "-"}`;
  };
  return (["hit", "stale", "made", "all"] as const).map(cell).join(" · ");
}
