import { route } from "@/lib/guards/route";
import { adminOverview } from "@/lib/monitoring/overview";

/** What the admin overview shows, as JSON. */
export const GET = route({ access: "admin" }, () => adminOverview());
