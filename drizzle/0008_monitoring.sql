CREATE TABLE "request_stats" (
	"minute" timestamp with time zone NOT NULL,
	"route" text NOT NULL,
	"count" bigint DEFAULT 0 NOT NULL,
	"errors" bigint DEFAULT 0 NOT NULL,
	"total_ms" double precision DEFAULT 0 NOT NULL,
	"buckets" bigint[] NOT NULL,
	CONSTRAINT "request_stats_minute_route_pk" PRIMARY KEY("minute","route")
);
--> statement-breakpoint
CREATE TABLE "web_counters" (
	"minute" timestamp with time zone NOT NULL,
	"name" text NOT NULL,
	"value" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "web_counters_minute_name_pk" PRIMARY KEY("minute","name")
);
--> statement-breakpoint
CREATE TABLE "web_processes" (
	"id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"rss_bytes" bigint NOT NULL,
	"heap_used_bytes" bigint NOT NULL,
	"cpu" double precision NOT NULL,
	"event_loop_median_ms" double precision NOT NULL,
	"event_loop_max_ms" double precision NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "worker_heartbeats" ADD COLUMN "current_jobs" jsonb DEFAULT '[]'::jsonb NOT NULL;