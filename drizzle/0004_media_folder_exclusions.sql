CREATE TABLE "media_folder_exclusions" (
	"source_path" text PRIMARY KEY NOT NULL,
	"size" bigint,
	"source_mtime" timestamp with time zone,
	"excluded_at" timestamp with time zone DEFAULT now() NOT NULL
);
