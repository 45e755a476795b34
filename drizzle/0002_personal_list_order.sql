DROP INDEX "favorites_user_time_idx";--> statement-breakpoint
DROP INDEX "watch_progress_user_time_idx";--> statement-breakpoint
CREATE INDEX "favorites_user_time_idx" ON "favorites" USING btree ("user_id","created_at","video_id");--> statement-breakpoint
CREATE INDEX "watch_progress_user_time_idx" ON "watch_progress" USING btree ("user_id","updated_at","video_id");