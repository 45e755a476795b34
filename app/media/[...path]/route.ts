import { createWebMediaHandler } from "@/lib/media/web-adapter";

/**
 * `/media/<token>/<videoId>/<rel>` where only Next runs. The signed token in the path is the
 * authorisation (checked by lib/media without a database query), so this handler deliberately
 * does not go through route(): resolving a viewer there would cost a session lookup per segment.
 * The self-hosted server answers these paths before Next (lib/media/node-adapter.ts).
 */
export const dynamic = "force-dynamic";

const serveMediaRequest = createWebMediaHandler();

export const GET = serveMediaRequest;
export const HEAD = serveMediaRequest;
