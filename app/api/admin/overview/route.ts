import { route } from "@/lib/http/route";
import { adminOverview } from "@/lib/monitoring/overview";

/** What the admin overview shows, as JSON. */
export const GET = route({ access: "admin" }, () => adminOverview());
