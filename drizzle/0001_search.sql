-- Library search and sort support that Drizzle cannot express: a weighted tsvector kept up to date by a
-- trigger, trigram matching on titles, and expression indexes for the catalog sorts.
--
-- The 'simple' configuration (no stemming, no stop words) is deliberate: titles and tags on a self-hosted
-- server come in any language, and names ("The Office", "It") must stay searchable; prefix queries
-- (`word:*`) cover most of what English stemming would add, and trigrams cover typos.
--
-- A trigger rather than a generated column: array_to_string() (needed to index the tags) is only STABLE,
-- so Postgres refuses it in a generated column.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
ALTER TABLE "videos" ADD COLUMN "search" tsvector NOT NULL DEFAULT ''::tsvector;
--> statement-breakpoint
CREATE FUNCTION videos_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.search :=
    setweight(to_tsvector('simple', coalesce(NEW.title, '')), 'A') ||
    setweight(to_tsvector('simple', array_to_string(NEW.tags, ' ')), 'B') ||
    setweight(to_tsvector('simple', coalesce(NEW.description, '')), 'C');
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER videos_search_vector BEFORE INSERT OR UPDATE OF title, description, tags ON "videos"
  FOR EACH ROW EXECUTE FUNCTION videos_search_vector();
--> statement-breakpoint
UPDATE "videos" SET title = title;
--> statement-breakpoint
-- fastupdate off: the catalog is read far more than written, and a pending list (rows not yet merged
-- into the index) is scanned linearly by every search until the next vacuum.
CREATE INDEX "videos_search_idx" ON "videos" USING gin ("search") WITH (fastupdate = off);
--> statement-breakpoint
CREATE INDEX "videos_title_trgm_idx" ON "videos" USING gin ("title" gin_trgm_ops) WITH (fastupdate = off);
--> statement-breakpoint
-- Keyset pagination compares (sort key, id) rows, so every sort has an index on exactly that pair.
CREATE INDEX "videos_created_id_idx" ON "videos" USING btree ("created_at", "id");
--> statement-breakpoint
CREATE INDEX "videos_title_sort_idx" ON "videos" USING btree (lower("title"), "id");
--> statement-breakpoint
CREATE INDEX "videos_duration_sort_idx" ON "videos" USING btree (coalesce("duration", 0), "id");
--> statement-breakpoint
CREATE INDEX "videos_views_sort_idx" ON "videos" USING btree ("view_count", "id");
--> statement-breakpoint
CREATE INDEX "videos_rating_sort_idx" ON "videos" USING btree (coalesce("rating_sum"::float8 / nullif("rating_count", 0), 0), "rating_count", "id");
