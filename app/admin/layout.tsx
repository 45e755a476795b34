import { AdminNav } from "@/components/shell/admin-nav";
import { requirePageAdmin } from "@/lib/guards/pages";

/**
 * The admin area's frame. This check only guards what the layout renders: every admin page, server
 * action and route handler checks again for itself.
 */
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requirePageAdmin("/admin");
  return (
    // One column that may shrink below its content: otherwise the admin nav's tabs or a wide table widen a phone's page.
    <div className="grid grid-cols-[minmax(0,1fr)] gap-6">
      <div>
        <p className="text-sm font-medium text-accent-text">Administration</p>
        <AdminNav />
      </div>
      {/* min-w-0: as a grid item it would otherwise grow to its widest table, and a phone would scroll sideways. */}
      <div className="min-w-0">{children}</div>
    </div>
  );
}
