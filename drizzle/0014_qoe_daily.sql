CREATE TABLE "qoe_daily" (
	"day" timestamp with time zone NOT NULL,
	"video_id" uuid NOT NULL,
	"browser" text NOT NULL,
	"device" text NOT NULL,
	"mode" text NOT NULL,
	"sessions" integer NOT NULL,
	"started" integer NOT NULL,
	"exits_before_start" integer NOT NULL,
	"failures" integer NOT NULL,
	"startup_failures" integer NOT NULL,
	"startup_ms_sum" double precision NOT NULL,
	"startup_histogram" integer[] NOT NULL,
	"started_watched_seconds" double precision DEFAULT 0 NOT NULL,
	"retention" integer[] DEFAULT '{}' NOT NULL,
	"watched_seconds" double precision NOT NULL,
	"stall_count" integer NOT NULL,
	"stall_ms" double precision NOT NULL,
	"quality_switches" integer NOT NULL,
	"upscaled_seconds" double precision NOT NULL,
	"bitrate_kbit_sum" double precision NOT NULL,
	"bitrate_watched_seconds" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "qoe_daily_day_video_id_browser_device_mode_pk" PRIMARY KEY("day","video_id","browser","device","mode")
);
--> statement-breakpoint
CREATE INDEX "qoe_daily_video_idx" ON "qoe_daily" USING btree ("video_id","day");