import { redirect } from "next/navigation";
import { requirePageAdmin } from "@/lib/auth/pages";

export default async function AdminIndex() {
  await requirePageAdmin("/admin");
  redirect("/admin/users");
}
