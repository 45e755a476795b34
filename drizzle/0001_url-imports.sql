CREATE TYPE "public"."import_status" AS ENUM('queued', 'downloading', 'done', 'failed');--> statement-breakpoint
CREATE TABLE "url_imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"url" text NOT NULL,
	"status" "import_status" DEFAULT 'queued' NOT NULL,
	"received_bytes" bigint DEFAULT 0 NOT NULL,
	"total_bytes" bigint,
	"etag" text,
	"last_modified" text,
	"file_name" text,
	"failure_reason" text,
	"video_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "url_imports" ADD CONSTRAINT "url_imports_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "url_imports" ADD CONSTRAINT "url_imports_video_id_videos_id_fk" FOREIGN KEY ("video_id") REFERENCES "public"."videos"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "url_imports_owner_idx" ON "url_imports" USING btree ("owner_id","created_at" DESC NULLS LAST);