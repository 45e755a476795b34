CREATE TABLE "proxy_links" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"owner_id" uuid NOT NULL,
	"url" text NOT NULL,
	"host" text NOT NULL,
	"kind" text NOT NULL,
	"content_type" text NOT NULL,
	"size" bigint,
	"accept_ranges" boolean DEFAULT false NOT NULL,
	"seekable" boolean DEFAULT false NOT NULL,
	"duration" real,
	"width" integer,
	"height" integer,
	"title" text,
	"position" real DEFAULT 0 NOT NULL,
	"progress_duration" real,
	"finished" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "proxy_usage" (
	"user_id" uuid NOT NULL,
	"day" date NOT NULL,
	"bytes" bigint DEFAULT 0 NOT NULL,
	"streams" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "proxy_usage_user_id_day_pk" PRIMARY KEY("user_id","day")
);
--> statement-breakpoint
ALTER TABLE "proxy_links" ADD CONSTRAINT "proxy_links_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "proxy_usage" ADD CONSTRAINT "proxy_usage_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "proxy_links_owner_url_idx" ON "proxy_links" USING btree ("owner_id","url");--> statement-breakpoint
CREATE INDEX "proxy_links_owner_used_idx" ON "proxy_links" USING btree ("owner_id","used_at" DESC NULLS LAST);