import { redirect } from "next/navigation";
import { requirePageViewer } from "@/lib/guards/pages";

export default async function SettingsIndex() {
  await requirePageViewer("/settings");
  redirect("/settings/tokens");
}
