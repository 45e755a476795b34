CREATE TABLE "qoe_peak_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"video_id" uuid NOT NULL,
	"peak" integer NOT NULL,
	CONSTRAINT "qoe_peak_hourly_video_id_hour_pk" PRIMARY KEY("video_id","hour")
);
--> statement-breakpoint
ALTER TABLE "qoe_hourly" ADD COLUMN "started_watched_seconds" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_hourly" ADD COLUMN "retention" integer[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE "qoe_hourly" ADD COLUMN "bitrate_watched_seconds" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "views_time_idx" ON "views" USING btree ("created_at","video_id","user_id");--> statement-breakpoint
CREATE INDEX "qoe_reports_failed_idx" ON "qoe_reports" USING btree ("updated_at") WHERE "qoe_reports"."fatal_error" is not null;--> statement-breakpoint
CREATE INDEX "qoe_reports_updated_idx" ON "qoe_reports" USING btree ("updated_at");--> statement-breakpoint
-- Hours whose raw reports still exist are summed again, with the new columns, by the next rollup.
DELETE FROM "qoe_hourly" WHERE "hour" >= (SELECT date_trunc('hour', min("created_at")) FROM "qoe_reports");
