CREATE TABLE "qoe_hourly" (
	"hour" timestamp with time zone NOT NULL,
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
	"watched_seconds" double precision NOT NULL,
	"stall_count" integer NOT NULL,
	"stall_ms" double precision NOT NULL,
	"quality_switches" integer NOT NULL,
	"upscaled_seconds" double precision NOT NULL,
	"bitrate_kbit_sum" double precision NOT NULL,
	CONSTRAINT "qoe_hourly_hour_video_id_browser_device_mode_pk" PRIMARY KEY("hour","video_id","browser","device","mode")
);
--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "state" text DEFAULT 'playing' NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "browser" text DEFAULT 'other' NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "device" text DEFAULT 'desktop' NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "player_height" integer;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "upscaled_seconds" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "bitrate_kbit_sum" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "max_position" real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "exited_before_start" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "qoe_hourly_video_idx" ON "qoe_hourly" USING btree ("video_id","hour");--> statement-breakpoint
CREATE INDEX "qoe_reports_video_time_idx" ON "qoe_reports" USING btree ("video_id","created_at");--> statement-breakpoint
CREATE INDEX "qoe_reports_live_idx" ON "qoe_reports" USING btree ("updated_at") WHERE "qoe_reports"."state" = 'playing';