import { route } from "@/lib/guards/route";
import { checkHealth } from "@/lib/system/health";

export const GET = route({ access: "anyone" }, async () => {
  const { httpStatus, body } = await checkHealth();
  return Response.json(body, { status: httpStatus, headers: { "cache-control": "no-store" } });
});
