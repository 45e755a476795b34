DROP INDEX "qoe_reports_session_idx";--> statement-breakpoint
ALTER TABLE "qoe_reports" ADD COLUMN "report_count" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "qoe_reports_session_idx" ON "qoe_reports" USING btree ("session_id");